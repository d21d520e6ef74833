<?php
// Reads {"constraints": [...], "versions": [...]} on stdin; prints, for each constraint, null
// when composer/semver cannot parse it, else a string of 0/1, one per version: whether
// parseConstraints($c)->matches(new Constraint('==', normalize($v))).
require '/usr/share/php/Composer/Semver/autoload.php';
use Composer\Semver\Constraint\Constraint;
$parser = new Composer\Semver\VersionParser();
$input = json_decode(stream_get_contents(STDIN), true);
$versions = array_map(fn ($v) => new Constraint('==', $parser->normalize($v)), $input['versions']);
$out = [];
foreach ($input['constraints'] as $c) {
    try {
        $parsed = $parser->parseConstraints($c);
    } catch (\UnexpectedValueException $e) {
        $out[] = null;
        continue;
    }
    $row = '';
    foreach ($versions as $v) {
        $row .= $parsed->matches($v) ? '1' : '0';
    }
    $out[] = $row;
}
echo json_encode($out, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
