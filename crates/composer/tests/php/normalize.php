<?php
// Reads a JSON array of version strings on stdin; prints a JSON array with, for each, the
// result of composer/semver's VersionParser::normalize or null when it throws.
require '/usr/share/php/Composer/Semver/autoload.php';
$parser = new Composer\Semver\VersionParser();
$out = [];
foreach (json_decode(stream_get_contents(STDIN), true) as $version) {
    try {
        $out[] = $parser->normalize($version);
    } catch (\UnexpectedValueException $e) {
        $out[] = null;
    }
}
echo json_encode($out, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
