#!/usr/bin/env python3
"""Writes a Magento-shaped catalog as dist zips: MODULES modules x RELEASES releases, a
metapackage pinning every module per release, and a project package requiring the metapackage
(what `composer create-project` installs). Deterministic, so runs are comparable.

usage: gen_catalog.py OUT_DIR [MODULES] [RELEASES]
"""
import json
import os
import sys
import zipfile
from datetime import date, timedelta

AREAS = ["catalog", "checkout", "customer", "sales", "quote", "tax", "cms", "theme", "store",
         "eav", "directory", "payment", "shipping", "search", "inventory", "wishlist", "review",
         "newsletter", "reports", "backend"]
SUFFIXES = ["", "-graph-ql", "-import-export", "-admin-ui", "-rule", "-api", "-sample-data",
            "-url-rewrite", "-widget", "-analytics"]


def module_names(count):
    names = []
    for s in SUFFIXES:
        for a in AREAS:
            names.append(f"acme/module-{a}{s}")
    return names[:count]


def php_source(module, release, n):
    # A few kilobytes of plausible PHP so archives weigh what real modules weigh.
    cls = "".join(p.capitalize() for p in module.split("/")[1].split("-"))
    body = "\n".join(
        f"    public function method{i}(array $input): array\n    {{\n"
        f"        // {module} release {release} file {n} method {i}\n"
        f"        return array_map(fn ($v) => $v . '{i}', $input);\n    }}\n"
        for i in range(40))
    return f"<?php\nnamespace Acme\\{cls};\n\nclass Model{n}\n{{\n{body}}}\n"


def write_zip(path, manifest, files):
    top = manifest["name"].replace("/", "-") + "-" + manifest["version"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{top}/composer.json", json.dumps(manifest, indent=4))
        for name, text in files.items():
            z.writestr(f"{top}/{name}", text)


def main():
    out = sys.argv[1]
    modules = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    releases = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    os.makedirs(out, exist_ok=True)
    names = module_names(modules)
    start = date(2024, 1, 10)
    for r in range(releases):
        when = (start + timedelta(days=60 * r)).isoformat()
        mod_version = f"100.{r}.0"
        product_version = f"2.4.{r}"
        for i, name in enumerate(names):
            requires = {"php": ">=7.4"}
            # Magento modules depend on a handful of others; keep it acyclic and pinned.
            for dep in (names[j] for j in (i // 2, i // 3) if j < i):
                requires[dep] = mod_version
            short = name.split("/")[1]
            manifest = {
                "name": name,
                "description": f"Acme {short} module",
                "type": "library",
                "version": mod_version,
                "license": ["proprietary"],
                "time": when,
                "require": requires,
                "autoload": {"psr-4": {"Acme\\" + "".join(
                    p.capitalize() for p in short.split("-")) + "\\": ""}},
            }
            files = {f"Model/Model{n}.php": php_source(name, r, n) for n in range(3)}
            files["etc/module.xml"] = f"<config><module name=\"{short}\"/></config>\n"
            write_zip(os.path.join(out, f"{short}-{mod_version}.zip"), manifest, files)
        meta = {
            "name": "acme/product-community-edition",
            "description": "Acme Commerce, every module",
            "type": "metapackage",
            "version": product_version,
            "license": ["proprietary"],
            "time": when,
            "require": {n: mod_version for n in names},
        }
        write_zip(os.path.join(out, f"product-community-edition-{product_version}.zip"), meta, {})
        project = {
            "name": "acme/project-community-edition",
            "description": "Acme Commerce project skeleton",
            "type": "project",
            "version": product_version,
            "license": ["proprietary"],
            "time": when,
            "require": {"acme/product-community-edition": product_version},
            "minimum-stability": "stable",
        }
        write_zip(os.path.join(out, f"project-community-edition-{product_version}.zip"), project,
                  {"README.md": "Acme Commerce\n", "app/etc/.keep": ""})
    print(f"{len(names) * releases + 2 * releases} zips in {out}")


if __name__ == "__main__":
    main()
