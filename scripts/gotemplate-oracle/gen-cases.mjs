#!/usr/bin/env node
// Generates the Go-template corpus cases (families of templates + data) on stdout as JSON.
// The oracle (main.go) adds Go's output or error; run.sh records the result in
// test/fixtures/gotemplate/corpus.json. Cases only: no expectations are written by hand here.
import { readFileSync } from 'node:fs';

const here = new URL('.', import.meta.url);
const cases = [];
const add = (family, template, data, options, extra = {}) => cases.push({ family, name: `${family}#${cases.filter((c) => c.family === family).length + 1}`, template, ...(data ? { data } : {}), ...(options ? { options } : {}), ...extra });

const params = {
  name: 'us-east', server: 'https://127.0.0.1:6443', nameNormalized: 'us-east',
  metadata: { labels: { region: 'us-east', env: 'production', 'topology.kubernetes.io/region': 'us-east', tier: '' }, annotations: { 'my-custom-annotation': 'x', 'a/b': 'slash' } },
  values: { replicas: 3, tier: '', revision: 'main', clusterName: 'c1', big: 1000000, small: 0.000001, neg: -2.5, flag: true, nil: null },
  list: ['a', 'b', 'c'], nums: [3, 1, 2], empty: [], emptyMap: {}, nested: { a: { b: { c: 'deep' } } },
  str: 'Hello, World', spaced: '  padded  ', multi: 'line1\nline2', html: '<a href="x">&</a>', num: 42, float: 3.14159, zero: 0, t: true, f: false, n: null,
  path: { path: 'apps/web/overlays/us-east', basename: 'us-east', filename: 'config.json', basenameNormalized: 'us-east', filenameNormalized: 'config.json', segments: ['apps', 'web', 'overlays', 'us-east'] },
  cluster: 'engineering-dev', url: 'https://1.2.3.4', branch: 'feature/JIRA-123_Add Thing', number: 17, head_sha: 'abc123', project: 'default',
  clusters: [{ name: 'a', server: 's1' }, { name: 'b', server: 's2' }], mixed: ['x', 1, true, null, { k: 'v' }, [1, 2]],
  yamlText: 'a: 1\nb:\n  - x\n  - y\nc: true\n', yamlList: '- 1\n- two\n- {k: v}\n', jsonText: '{"b":2,"a":[1,"x"],"c":null}',
  proto: { __proto__: 'p', constructor: 'c', prototype: 'q' },
};
// JSON.parse keeps __proto__ as an own key; an object literal would not.
params.proto = JSON.parse('{"__proto__":"p","constructor":"c","prototype":"q","toString":"t"}');

// --- language
const lang = [
  'plain text', '{{.name}}', '{{ .metadata.labels.region }}', '{{index .metadata.labels "topology.kubernetes.io/region"}}',
  '{{ .name | upper }}', '{{ (index .clusters 0).name }}', '{{ (index .clusters 1).server }}', '{{ $x := .name }}{{ $x }}',
  '{{ $x := 1 }}{{ $x = 2 }}{{ $x }}', '{{ $x := "a" }}{{ if true }}{{ $x := "b" }}{{ $x }}{{ end }}{{ $x }}',
  '{{ $x := "a" }}{{ if true }}{{ $x = "b" }}{{ end }}{{ $x }}', '{{ range $i, $v := .list }}{{ $i }}={{ $v }};{{ end }}',
  '{{ range $k, $v := .metadata.labels }}{{ $k }}={{ $v }};{{ end }}', '{{ range .list }}[{{ . }}]{{ end }}', '{{ range $v := .list }}{{ $v }}{{ end }}',
  '{{ range .empty }}x{{ else }}empty{{ end }}', '{{ range .emptyMap }}x{{ else }}empty map{{ end }}', '{{ range .missing }}x{{ else }}none{{ end }}',
  '{{ range 3 }}{{ . }}{{ end }}', '{{ range .name }}{{ . }}{{ end }}', '{{ range .num }}{{ . }}{{ end }}',
  '{{ range .list }}{{ if eq . "b" }}{{ break }}{{ end }}{{ . }}{{ end }}', '{{ range .list }}{{ if eq . "b" }}{{ continue }}{{ end }}{{ . }}{{ end }}',
  '{{ if .t }}yes{{ else }}no{{ end }}', '{{ if .f }}yes{{ else if .t }}elif{{ else }}no{{ end }}', '{{ if .missing }}yes{{ else }}no{{ end }}',
  '{{ if .zero }}y{{ else }}n{{ end }}', '{{ if .empty }}y{{ else }}n{{ end }}', '{{ if .emptyMap }}y{{ else }}n{{ end }}', '{{ if .n }}y{{ else }}n{{ end }}',
  '{{ with .metadata.labels }}{{ .region }}{{ end }}', '{{ with .missing }}x{{ else }}no{{ end }}', '{{ with $x := .name }}{{ $x }}{{ . }}{{ end }}',
  '{{ with .values.tier }}set{{ else }}unset{{ end }}',
  '{{define "t"}}T({{.}}){{end}}{{template "t" .name}}', '{{define "t"}}T{{end}}{{template "t"}}', '{{block "b" .name}}B({{.}}){{end}}',
  '{{define "b"}}over{{end}}{{block "b" .}}default{{end}}', '{{ template "nope" }}', '{{define "rec"}}{{if .}}{{len .}}{{template "rec" (slice . 1)}}{{end}}{{end}}{{template "rec" .list}}',
  'a {{/* comment */}} b', 'a {{- /* comment */ -}} b', 'x  {{- .name -}}  y', 'x\t{{-\t.name\t-}}\ty', 'x\n{{- .name -}}\ny', 'x {{-.name}} y', 'x {{.name-}} y', '{{ "}}" }}', '{{ `raw {{ }}` }}',
  '{{ "a\\tb\\n\\u00e9\\x41" }}', "{{ 'a' }}", "{{ '\\n' }}", '{{ 1 }}', '{{ -1 }}', '{{ 1.5 }}', '{{ 1e3 }}', '{{ 0x1F }}', '{{ 0o17 }}', '{{ 0b101 }}', '{{ 1_000 }}', '{{ 1.0 }}',
  '{{ true }}', '{{ nil }}', '{{ . | len }}', '{{ and 1 0 }}', '{{ and 1 2 }}', '{{ or 0 "" }}', '{{ or 0 "x" }}', '{{ and .f (index .list 99) }}', '{{ or .t (index .list 99) }}',
  '{{ not .t }}', '{{ not .missing }}', '{{ .name | printf "%s-%s" "pre" }}', '{{ "x" | printf "%s%s" "y" }}', '{{ $ }}', '{{ $.name }}', '{{ range .list }}{{ $.name }}{{ end }}',
  '{{ .nested.a.b.c }}', '{{ .nested.a.missing.c }}', '{{ .missing.a }}', '{{ .n.a }}', '{{ .name.a }}', '{{ $x := .nested }}{{ $x.a.b.c }}',
  '{{ (print "a" "b") }}', '{{ print (print "a") | len }}', '{{ .list | len }}', '{{ len .metadata.labels }}', '{{ index .list 1 }}', '{{ index .nested "a" "b" "c" }}', '{{ index .name 0 }}',
  '{{ index .metadata.labels "nope" }}', '{{ slice .list 1 }}', '{{ slice .list 1 2 }}', '{{ range $i, $c := .clusters }}{{ $i }}:{{ $c.name }} {{ end }}',
  '{{- range .clusters }}\n- {{ .name }}\n{{- end }}', '{{ range .nums }}{{ . }},{{ end }}', '{{ $n := len .list }}{{ $n }}', '{{ if and .t .num }}ok{{ end }}',
  '{{ eq .name "us-east" }}', '{{ eq .num 42.0 }}', '{{ eq .num 42 }}', '{{ eq 1 1 }}', '{{ eq "a" "b" "a" }}', '{{ ne .name "x" }}', '{{ lt 1 2 }}', '{{ lt 1.5 2.5 }}', '{{ lt "a" "b" }}',
  '{{ le 2 2 }}', '{{ gt .num 41.0 }}', '{{ ge .num 43.0 }}', '{{ eq .missing "x" }}', '{{ eq .n nil }}', '{{ eq .list .list }}', '{{ lt .t .f }}', '{{ eq .num "42" }}', '{{ lt 1 "a" }}', '{{ eq 1 }}',
  '{{ html .html }}', '{{ js "it\'s <b> & \\"q\\" =" }}', '{{ urlquery "a b&c=d/é" }}', '{{ html "a" 1 }}', '{{ print 1 2 "a" 3 }}', '{{ println 1 "a" }}', '{{ print .list .metadata.labels }}',
  '{{ print nil }}', '{{ print .missing }}', '{{ printf "%v" .missing }}', '{{ call .name }}', '{{ .name.x.y }}', '{{ $x := 3 }}{{ range $i := .list }}{{ $x }}{{ end }}',
  '{{ with $v := index .clusters 0 }}{{ $v.name }}{{ end }}', '{{ range $i, $e := .mixed }}{{ $i }}:{{ $e }} {{ end }}', '{{ .values }}', '{{ .metadata }}', '{{ .mixed }}', '{{ .empty }}', '{{ .emptyMap }}',
  '{{ range $i, $v := .list }}{{ if $i }}, {{ end }}{{ $v }}{{ end }}', '{{ range .clusters }}{{ if eq .name "b" }}{{ .server }}{{ end }}{{ end }}', '{{ with index .clusters 0 }}{{ .name }}-{{ $.name }}{{ end }}',
  '{{- /* c */ -}} x', '{{ $a := 1 }}{{ $b := 2 }}{{ $a }}{{ $b }}', '{{ range $i, $e := until 3 }}{{ $i }}{{ $e }}{{ end }}', '{{ $x := list }}{{ range .list }}{{ $x = append $x . }}{{ end }}{{ $x }}',
  '{{ range $k, $v := dict "b" 1 "a" 2 }}{{ $k }}{{ $v }}{{ end }}', '{{ template "x" }}{{ define "x" }}late{{ end }}', '{{ block "b" . }}{{ .name }}{{ end }}|{{ template "b" .metadata.labels }}', '{{ printf "%T %T %T %T" 1 1.0 "s" .list }}',
  '{{ if and (eq .name "us-east") (hasKey .metadata.labels "env") }}match{{ end }}', '{{ or .missing "fallback" }}', '{{ and .t .missing }}', '{{ .name | len | printf "%03d" }}', '{{ len (printf "%s" .list) }}', '{{ index .path.segments 3 }}',
  '{{ "a" }}{{ "b" -}}\n\n  {{ "c" }}', 'a\n{{- "b" }}\n', '{{ 1 }}{{/* a */}}{{ 2 }}', '{{ eq (index .nums 0) 3.0 }}', '{{ lt (len .list) 5 }}', '{{ (index .clusters 0).missing }}',
  '{{ .values.big }}', '{{ .values.small }}', '{{ .values.neg }}', '{{ .float }}', '{{ .values.nil }}', '{{ .n }}', '{{ .values.flag }}',
];
lang.forEach((t) => add('language', t, params));
for (const mk of ['default', 'zero', 'error', 'invalid']) {
  for (const t of ['{{ .missing }}', '{{ .metadata.labels.zone }}', '{{ .missing.deeper }}', '{{ .n }}', '{{ index .metadata.labels "zone" }}', '{{ .missing | default "d" }}', '{{ upper .missing }}', '{{ if .missing }}y{{ else }}n{{ end }}', '{{ printf "%v" .missing }}', '{{ .values.nil }}', '{{ .missing | toJson }}']) {
    add('missingkey', t, params, [`missingkey=${mk}`]);
  }
}
add('missingkey', '{{ .name }}', params, ['missingkey=bogus']);

// --- printing and fmt
const fmts = ['%v', '%+v', '%#v', '%d', '%5d', '%-5d|', '%05d', '%x', '%X', '%o', '%b', '%c', '%q', '%U', '%s', '%10s|', '%-10s|', '%.2s', '%q', '%x', '%f', '%.2f', '%8.3f', '%e', '%E', '%g', '%G', '%t', '%T', '%%', '%z', '%!', '%d %d', '%[1]d'];
const vals = { int: '42', neg: '-7', float: '3.14159', bigf: '.values.big', str: '"héllo"', bool: 'true', list: '.list', map: '.metadata.labels', nil: 'nil', jsonint: '.num', small: '.values.small', zero: '0.0' };
for (const f of fmts) for (const [, v] of Object.entries(vals)) add('printf', `{{ printf "${f}" ${v} }}`, params);
for (const f of ['%6.2f', '%+d', '% d', '%+.3e', '%#x', '%#o', '%08.3f', '%-8.2f|', '%*d', '%.*f', '%3c', '%#q', '%+q', '%x', '%X', '% x']) add('printf', `{{ printf "${f}" 5 "é" }}`, params);
add('printf', '{{ printf "%d" }}', params); add('printf', '{{ printf "%d" 1 2 }}', params); add('printf', '{{ printf "%s" 1 "x" }}', params);
add('printf', '{{ printf "%v %v" .list .nested }}', params); add('printf', '{{ printf "%d" .nums }}', params); add('printf', '{{ printf "%s" .list }}', params); add('printf', '{{ printf "%q" .list }}', params);
for (const n of [0, 1, -1, 0.5, 1.5, 2.5, 100000, 1000000, 1234567, 0.0001, 0.00001, 1e20, 1e21, 1.7976931348623157e308, 5e-324, 123456789.125, -0.0, 3.0, 1 / 3, 2 / 3, 1e100]) {
  add('floats', '{{ .v }} {{ printf "%v|%f|%.1f|%e|%g|%.3g|%6.2f" .v .v .v .v .v .v .v }}', { v: n });
  add('floats', '{{ toJson .v }} {{ toYaml .v }}', { v: n });
}

// --- errors
const errs = [
  '{{ nope }}', '{{ .name | nope }}', '{{ if .name }}x', '{{ end }}', '{{ else }}', '{{ "abc }}', '{{ `abc }}', "{{ 'ab' }}", '{{ .name ', '{{ ( .name }}', '{{ .name ) }}', '{{ $undefined }}',
  '{{ $x = 1 }}', '{{ range $a, $b, $c := .list }}{{ end }}', '{{ break }}', '{{ continue }}', '{{ if true }}{{ break }}{{ end }}', '{{ 1 | 2 }}', '{{ .name | "x" }}', '{{ 3 . }}',
  '{{ "x" .name }}', '{{ template }}', '{{ template .name }}', '{{define "a"}}1{{end}}{{define "a"}}2{{end}}', '{{ define "x" }}', '{{/* unclosed', '{{/* a */ x }}', '{{ .a.b. }}', '{{ .1 }}',
  '{{ 1.2.3 }}', '{{ 0x }}', '{{ 99999999999999999999 }}', '{{ upper 1 }}', '{{ upper }}', '{{ upper "a" "b" }}', '{{ lower .num }}', '{{ ternary "a" "b" "true" }}', '{{ eq .num .name }}',
  '{{ index .list 5 }}', '{{ index .list 3 }}', '{{ index .list -1 }}', '{{ index .list "a" }}', '{{ index .metadata.labels 1 }}', '{{ index .num 1 }}', '{{ index nil 1 }}', '{{ len .num }}', '{{ len nil }}',
  '{{ .name.x }}', '{{ .list.x }}', '{{ $.list.x }}', '{{ .name 1 }}', '{{ .metadata.labels.region "x" }}', '{{ nil }}', '{{ nil.x }}', '{{ (nil).x }}', '{{ true.x }}', '{{ "x".y }}', '{{ repeat -1 "x" }}',
  '{{ fail "boom" }}', '{{ required "x" .name }}', '{{ include "x" . }}', '{{ tpl "x" . }}', '{{ env "HOME" }}', '{{ expandenv "$HOME" }}', '{{ getHostByName "localhost" }}', '{{ first .num }}', '{{ first nil }}',
  '{{ div 1 0 }}', '{{ mod 1 0 }}', '{{ add1 }}', '{{ sub 1 }}', '{{ printf }}', '{{ printf 1 }}', '{{ dig "a" .nested }}', '{{ dig "a" "b" "x" "d" .nested }}', '{{ dig 1 "d" .nested }}', '{{ $x := 1 }}{{ $x.y }}',
  '{{ range .list }}{{ else if .x }}{{ end }}', '{{ with .list }}{{ else with .x }}{{ end }}', '{{ if }}{{ end }}', '{{ range }}{{ end }}', '{{ | upper }}', '{{ .name | }}', '{{ "a" | upper | }}', '{{ $x := }}', '{{ . := 1 }}',
  '{{ hello }}', '{{ slice .list 2 1 }}', 'héllo wörld {{ .nope.x | upper }}', 'ü\nä {{ "x" | lower 1 }}', '{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}', '{{ if .t }}x{{ else }}y{{ else }}z{{ end }}', '{{ range .list }}{{ end }}{{ break }}', '{{ define "a" }}{{ break }}{{ end }}', '{{ $x := 1 }}{{ define "d" }}{{ $x }}{{ end }}', '{{ .name | printf "%d" }}',
  '{{ printf "%s" (index .clusters 0).name.x }}', '{{ template "a" 1 2 }}', '{{ with }}{{ end }}', '{{ "a" | eq "a" }}', '{{ . | eq . }}', '{{ 1 | printf }}', '{{ index }}', '{{ len }}', '{{ len 1 2 }}', '{{ not }}', '{{ not 1 2 }}', '{{ eq }}', '{{ lt 1 }}', '{{ slice .list 0 9 }}', '{{ semverCompare ">1.0" "x" }}', '{{ semverCompare "!!" "1.0.0" }}', '{{ regexMatch "(" "a" }}', '{{ mustRegexMatch "(" "a" }}', '{{ toYaml }}',
  '{{ fromYaml "a: [" }}', '{{ fromYamlArray "a: 1" }}', '{{ fromYaml "- 1" }}', '{{ mustFromJson "{bad" }}', '{{ mustToJson .values.big }}', '{{ slugify 1 "x" }}', '{{ slugify "a" "b" }}', '{{ normalize 1 }}',
  '{{ atoi 1 }}', '{{ int "x" }}', '{{ toString }}', '{{ keys .list }}', '{{ pick .list "a" }}', '{{ set .list "a" 1 }}', '{{ get .list "a" }}', '{{ hasKey .list "a" }}', '{{ merge .list .list }}', '{{ mustHas 1 .num }}',
];
errs.forEach((t) => add('errors', t, params));

// --- builtins
for (const t of ['{{ len "héllo" }}', '{{ len .list }}', '{{ index "abc" 1 }}', '{{ html "<x>" }}', '{{ js "<x>" }}', '{{ urlquery "a&b" }}', '{{ print "a" "b" }}', '{{ print 1 2 }}', '{{ print "a" 1 "b" }}',
  '{{ println "a" }}', '{{ printf "%s" "x" }}', '{{ not 0 }}', '{{ not "" }}', '{{ not .list }}', '{{ and "a" "b" "c" }}', '{{ or "" 0 "z" }}', '{{ and }}', '{{ or }}', '{{ eq 1 2 3 1 }}', '{{ ne 1 1 }}', '{{ ge "b" "a" }}', '{{ gt 2 1 }}', '{{ le 1.0 1.0 }}']) add('builtins', t, params);

// --- sprig: one or more cases per function
const S = {
  strings: ['{{ trim .spaced }}', '{{ trimAll "$" "$$x$$" }}', '{{ trimall "ab" "abxba" }}', '{{ trimSuffix "-" "x-" }}', '{{ trimPrefix "-" "-x" }}', '{{ upper "héllo" }}', '{{ lower "HÉLLO" }}', '{{ title "hello wORLD foo-bar" }}', '{{ untitle "Hello World" }}',
    '{{ repeat 3 "ab" }}', '{{ substr 0 5 "hello world" }}', '{{ substr 6 -1 "hello world" }}', '{{ substr -1 3 "hello" }}', '{{ substr 2 99 "hello" }}', '{{ nospace "a b\\tc\\nd" }}', '{{ trunc 5 "hello world" }}', '{{ trunc -5 "hello world" }}', '{{ trunc 3 "héllo" }}', '{{ trunc 99 "x" }}',
    '{{ abbrev 5 "hello world" }}', '{{ abbrev 3 "hello" }}', '{{ abbrevboth 5 10 "1234 5678 9123" }}', '{{ initials "First Try" }}', '{{ randAlphaNum 0 }}', '{{ wrap 5 "Hello World and more" }}', '{{ wrapWith 5 "\\t" "Hello World" }}',
    '{{ contains "cat" "catch" }}', '{{ hasPrefix "cat" "catch" }}', '{{ hasSuffix "ch" "catch" }}', '{{ quote "a" 1 nil .list }}', '{{ squote "a" 1 }}', '{{ cat "a" 1 nil "b" }}', '{{ indent 4 "a\\nb" }}', '{{ nindent 2 "a\\nb" }}',
    '{{ replace " " "-" "a b c" }}', '{{ replace "" "-" "abc" }}', '{{ plural "one" "many" 1 }}', '{{ plural "one" "many" 2 }}', '{{ snakecase "FirstName" }}', '{{ snakecase "HTTPServer" }}', '{{ camelcase "http_server" }}', '{{ kebabcase "FirstName" }}', '{{ swapcase "Hello World" }}',
    '{{ toString 1 }}', '{{ toString .num }}', '{{ toString .list }}', '{{ toString nil }}', '{{ split "$" "foo$bar$baz" }}', '{{ (split "$" "foo$bar").\_1 }}', '{{ splitn "$" 2 "foo$bar$baz" }}', '{{ splitList "," "a,b,c" }}', '{{ splitList "" "abc" }}',
    '{{ join "-" .list }}', '{{ join "-" .nums }}', '{{ join "-" "x" }}', '{{ join "-" .mixed }}', '{{ toStrings .nums }}', '{{ sortAlpha .list }}', '{{ sortAlpha .nums }}', '{{ upper .name }}', '{{ .str | lower | replace "," "" }}', '{{ lower .num }}'],
  lists: ['{{ list 1 "a" .t }}', '{{ tuple 1 2 }}', '{{ first .list }}', '{{ last .list }}', '{{ rest .list }}', '{{ initial .list }}', '{{ first .empty }}', '{{ rest .empty }}', '{{ append .list "d" }}', '{{ push .list "d" }}', '{{ prepend .list "z" }}',
    '{{ concat .list .nums }}', '{{ concat .empty .empty }}', '{{ reverse .list }}', '{{ uniq (list 1 1 2 "a" "a") }}', '{{ without .list "a" "c" }}', '{{ has "b" .list }}', '{{ has 1 .nums }}', '{{ has 1.0 .nums }}', '{{ has "x" nil }}',
    '{{ compact (list 0 "" 1 nil "a" false) }}', '{{ slice .list 1 }}', '{{ slice .list 0 2 }}', '{{ slice .empty }}', '{{ chunk 2 .list }}', '{{ until 3 }}', '{{ until -3 }}', '{{ untilStep 0 10 3 }}', '{{ seq 3 }}', '{{ seq 5 1 }}', '{{ seq 0 2 10 }}', '{{ seq 1 3 }}', '{{ seq }}',
    '{{ mustFirst .list }}', '{{ mustLast .empty }}', '{{ mustAppend .num 1 }}', '{{ mustPrepend .list 0 }}', '{{ mustRest .list }}', '{{ mustInitial .list }}', '{{ mustReverse .num }}', '{{ mustUniq .list }}', '{{ mustWithout .list "a" }}', '{{ mustCompact .list }}', '{{ mustSlice .list 1 }}', '{{ mustChunk 2 .list }}',
    '{{ range (splitList "," "x,y") }}[{{.}}]{{ end }}', '{{ index (splitList "/" .path.path) 1 }}', '{{ last (splitList "/" .path.path) }}', '{{ len (list) }}', '{{ first (list) }}', '{{ typeOf (first (list)) }}'],
  dicts: ['{{ dict "a" 1 "b" "x" }}', '{{ dict "a" }}', '{{ dict 1 2 }}', '{{ get .metadata.labels "region" }}', '{{ get .metadata.labels "nope" }}', '{{ set (dict "a" 1) "b" 2 }}', '{{ unset (dict "a" 1 "b" 2) "a" }}', '{{ hasKey .metadata.labels "env" }}',
    '{{ pluck "name" (index .clusters 0) (index .clusters 1) }}', '{{ keys .metadata.labels | sortAlpha }}', '{{ keys (dict "b" 1) (dict "a" 2) | sortAlpha }}', '{{ pick .metadata.labels "env" "nope" }}', '{{ omit .metadata.labels "env" "tier" }}',
    '{{ merge (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "b" 3 "n" (dict "y" 2)) }}', '{{ mergeOverwrite (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "b" 3 "n" (dict "x" 9)) }}', '{{ mustMerge (dict "a" "") (dict "a" "x") }}', '{{ mustMergeOverwrite (dict "a" "x") (dict "a" "") }}',
    '{{ values (dict "a" 1) }}', '{{ dig "a" "b" "c" "def" .nested }}', '{{ dig "a" "x" "c" "def" .nested }}', '{{ dig "nameSuffix" "" . }}', '{{ deepCopy .metadata.labels }}', '{{ mustDeepCopy .list }}', '{{ $d := dict "k" "v" }}{{ $_ := set $d "k2" "v2" }}{{ $d }}',
    '{{ default "d" .missing }}', '{{ default "d" "" }}', '{{ default "d" 0 }}', '{{ default "d" .values.tier }}', '{{ default "d" .name }}', '{{ default "d" .empty }}', '{{ default "d" false }}', '{{ default "d" }}', '{{ .missing | default "piped" }}',
    '{{ empty "" }}', '{{ empty .list }}', '{{ empty 0 }}', '{{ empty .missing }}', '{{ coalesce .missing "" "x" }}', '{{ coalesce .missing }}', '{{ all 1 "a" }}', '{{ all 1 "" }}', '{{ any 0 "" "x" }}', '{{ any }}',
    '{{ ternary "y" "n" true }}', '{{ ternary "y" "n" .t }}', '{{ ternary "y" "n" (eq .name "us-east") }}', '{{ deepEqual .list .list }}', '{{ deepEqual 1 1.0 }}', '{{ deepEqual (list 1) (list 1) }}'],
  math: ['{{ add 1 2 3 }}', '{{ add .num 1 }}', '{{ add "3" 1 }}', '{{ add1 .num }}', '{{ sub 5 3 }}', '{{ sub .num 0.5 }}', '{{ mul 2 3 4 }}', '{{ div 7 2 }}', '{{ div -7 2 }}', '{{ mod 7 3 }}', '{{ mod -7 3 }}', '{{ max 1 5 3 }}', '{{ min 4 2 8 }}', '{{ biggest 1 9 }}',
    '{{ maxf 1.5 2.5 }}', '{{ minf 1.5 -2 }}', '{{ addf 1.1 2.2 }}', '{{ add1f 1.5 }}', '{{ subf 3.3 1.1 }}', '{{ mulf 1.1 3 }}', '{{ divf 10 3 }}', '{{ divf 1 0 }}', '{{ ceil 1.2 }}', '{{ floor 1.8 }}', '{{ round 3.14159 2 }}', '{{ round 2.5 0 }}', '{{ round 1.235 2 0.6 }}',
    '{{ atoi "42" }}', '{{ atoi "3.5" }}', '{{ atoi "x" }}', '{{ atoi " 4" }}', '{{ int64 "42" }}', '{{ int64 "3.0" }}', '{{ int64 .float }}', '{{ int "0x10" }}', '{{ int true }}', '{{ float64 "1.5" }}', '{{ float64 3 }}', '{{ float64 "x" }}', '{{ toDecimal "0777" }}', '{{ toDecimal 10 }}',
    '{{ typeOf (add 1 2) }}', '{{ typeOf (atoi "1") }}', '{{ typeOf 1 }}', '{{ typeOf 1.5 }}', '{{ typeOf .num }}', '{{ add .values.big 1 }}', '{{ mul .values.big 1000000000 }}', '{{ add 9223372036854775807 1 }}', '{{ len (until 5) }}'],
  encoding: ['{{ toJson .metadata }}', '{{ toJson .html }}', '{{ toRawJson .html }}', '{{ toPrettyJson .nested }}', '{{ toPrettyJson .empty }}', '{{ toJson .mixed }}', '{{ toJson .values }}', '{{ toJson nil }}', '{{ toJson .missing }}', '{{ mustToJson .list }}', '{{ mustToPrettyJson .list }}', '{{ mustToRawJson "<>" }}',
    '{{ fromJson .jsonText }}', '{{ (fromJson .jsonText).b }}', '{{ fromJson "bad" }}', '{{ fromJson "[1,2]" }}', '{{ fromJson "1e3" }}', '{{ mustFromJson .jsonText | toJson }}', '{{ b64enc "hello" }}', '{{ b64dec "aGVsbG8=" }}', '{{ b64dec "!!!" }}', '{{ b64dec "aGVsbG8" }}',
    '{{ b32enc "hello" }}', '{{ b32dec "NBSWY3DP" }}', '{{ b32dec "bad" }}', '{{ sha1sum "hello" }}', '{{ sha256sum "hello" }}', '{{ sha256sum .name | trunc 8 }}', '{{ adler32sum "hello" }}'],
  misc: ['{{ typeOf .list }}', '{{ typeOf .metadata }}', '{{ typeOf nil }}', '{{ typeOf .name }}', '{{ typeOf (splitList "," "a") }}', '{{ typeIs "string" .name }}', '{{ typeIsLike "float64" .num }}', '{{ kindOf .list }}', '{{ kindOf .metadata }}', '{{ kindOf 1 }}', '{{ kindIs "map" .metadata }}', '{{ kindOf nil }}',
    '{{ base "a/b/c.txt" }}', '{{ base "" }}', '{{ base "/" }}', '{{ dir "a/b/c" }}', '{{ dir "c" }}', '{{ dir "/a/" }}', '{{ clean "a//b/../c/" }}', '{{ clean "" }}', '{{ ext "a/b.tar.gz" }}', '{{ ext "a" }}', '{{ isAbs "/a" }}', '{{ osBase "a/b" }}', '{{ osDir "a/b" }}', '{{ osClean "a/./b" }}', '{{ osExt "x.y" }}', '{{ osIsAbs "a" }}',
    '{{ regexMatch "^[a-z]+-[a-z]+$" .name }}', '{{ regexFind "[0-9]+" "abc123def456" }}', '{{ regexFindAll "[0-9]" "a1b2c3" -1 }}', '{{ regexFindAll "[0-9]" "a1b2c3" 2 }}', '{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}', '{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}',
    '{{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}', '{{ regexSplit "z+" "pizza" -1 }}', '{{ regexSplit "z+" "pizza" 1 }}', '{{ regexQuoteMeta "1.2.3" }}', '{{ regexReplaceAll "(?P<first>[a-z]+)-(?P<second>[a-z]+)" .name "${second}_${first}" }}', '{{ regexMatch "(?i)US" .name }}',
    '{{ mustRegexFind "x" "axb" }}', '{{ mustRegexFindAll "x" "axbx" -1 }}', '{{ mustRegexReplaceAll "x" "axb" "y" }}', '{{ mustRegexReplaceAllLiteral "x" "axb" "$1" }}', '{{ mustRegexSplit "," "a,b" -1 }}',
    '{{ semverCompare ">=1.2.3" "1.3.0" }}', '{{ semverCompare "^1.2.0" "2.0.0" }}', '{{ semverCompare "~1.2.0" "1.2.9" }}', '{{ semverCompare "~1.2.0" "1.3.0" }}', '{{ semverCompare "1.2.x" "1.2.7" }}', '{{ semverCompare ">1.0, <2.0" "1.5.0" }}', '{{ semverCompare "<1.0 || >=2.0" "1.5.0" }}',
    '{{ semverCompare ">=1.0.0" "1.1.0-beta" }}', '{{ semverCompare ">=1.0.0-0" "1.1.0-beta" }}', '{{ semverCompare "1.0 - 2.0" "1.5.0" }}', '{{ semverCompare "^0.2.3" "0.2.9" }}', '{{ semverCompare "^0.2.3" "0.3.0" }}', '{{ semverCompare "*" "1.0.0" }}', '{{ semverCompare "!=1.2.3" "1.2.3" }}', '{{ semverCompare ">= 1.21.0-0" "v1.28.3+k3s1" }}',
    '{{ (semver "1.2.3-beta.1+build").Major }}', '{{ semver "x" }}', '{{ urlParse "https://user:pw@example.com:8080/a/b?x=1#frag" }}', '{{ (urlParse "https://example.com/p").host }}', '{{ urlJoin (dict "scheme" "https" "host" "h.io" "path" "/p" "query" "a=1") }}',
    '{{ hello }}', '{{ fail "stop here" }}', '{{ htpasswd "u" "p" | len }}', '{{ derivePassword 1 "long" "password" "user" "example.com" }}', '{{ encryptAES "k" "t" | len }}', '{{ decryptAES "k" "t" }}', '{{ genPrivateKey "rsa" | len }}', '{{ bcrypt "x" | len }}', '{{ mustPush .list "x" }}', '{{ encryptAES "secret" "hello world" | decryptAES "secret" }}', '{{ encryptAES "k" "" }}', '{{ decryptAES "k" "" }}', '{{ decryptAES "k" "YWJj" }}', '{{ genCA "ca" 1 | len }}', '{{ mustRegexMatch "^a" "abc" }}'],
  dates: ['{{ date "2006-01-02" 0 }}', '{{ date "2006-01-02T15:04:05Z07:00" 1700000000 }}', '{{ dateInZone "2006-01-02 15:04 MST" 1700000000 "UTC" }}', '{{ htmlDate 86400 }}', '{{ htmlDateInZone 86400 "UTC" }}', '{{ duration 95 }}', '{{ duration "3661" }}', '{{ durationRound "2h5m" }}', '{{ unixEpoch (now) | len }}', '{{ date "Jan 2, 2006 at 3:04pm (MST)" 1700000000 }}', '{{ date "Monday 02.01.06 .000" 1700000000 }}', '{{ toDate "2006-01-02" "2024-02-03" }}', '{{ toDate "2006-01-02" "2024-02-03" | date "02/01/2006" }}', '{{ dateModify "+1h" (toDate "2006-01-02" "2024-02-03") }}',
    '{{ toDate "2006-01-02" "x" }}', '{{ mustToDate "2006-01-02" "x" }}', '{{ mustToDate "2006-01-02T15:04:05Z07:00" "2024-02-03T04:05:06+02:00" }}', '{{ toDate "Jan 2 2006 3:04PM" "Mar 7 2021 1:30PM" }}', '{{ toDate "2006-01-02 15:04:05.000" "2024-02-03 04:05:06.789" }}',
    '{{ date_modify "-30m" (toDate "2006-01-02" "2024-02-03") }}', '{{ mustDateModify "1h30m" (toDate "2006-01-02" "2024-02-03") }}', '{{ must_date_modify "x" (toDate "2006-01-02" "2024-02-03") }}', '{{ dateModify "x" (toDate "2006-01-02" "2024-02-03") }}',
    '{{ date_in_zone "2006-01-02 15:04 MST" 1700000000 "UTC" }}', '{{ dateInZone "2006-01-02 15:04" 1700000000 "Nope/Zone" }}', '{{ toDate "2006-01-02" "2024-02-03" | unixEpoch }}', '{{ duration (int64 3700) }}', '{{ durationRound (int64 100000000000) }}', '{{ durationRound "400h" }}', '{{ durationRound "9000h" }}'],
};
for (const [fam, list] of Object.entries(S)) list.forEach((t) => add(`sprig-${fam}`, t, params));

// --- ArgoCD's functions
for (const t of ['{{ normalize "Hello_World.Foo--Bar" }}', '{{ normalize "--x.y.--" }}', '{{ normalize .branch }}', '{{ slugify .branch }}', '{{ cat .branch | slugify 23 }}', '{{ cat .branch | slugify 50 false }}', '{{ slugify 10 true "hello world foo bar" }}', '{{ slugify 10 false "hello world foo bar" }}', '{{ slugify 0 "a b" }}',
  '{{ toYaml .metadata }}', '{{ toYaml .values }}', '{{ toYaml .mixed }}', '{{ toYaml .list }}', '{{ toYaml .nested }}', '{{ toYaml .multi }}', '{{ toYaml (dict "a10" 1 "a2" 2 "B" 3 "_x" 4 "1" 5) }}', '{{ toYaml (dict "s" "true" "n" "1.5" "e" "" "c" "a: b" "h" "#x" "y" "yes") }}',
  '{{ toYaml .empty }}', '{{ toYaml .emptyMap }}', '{{ toYaml nil }}', '{{ toYaml "plain" }}', '{{ toYaml 1.5 }}', '{{ toYaml .values.big }}', '{{ toYaml (dict "long" "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq") }}',
  '{{ fromYaml .yamlText }}', '{{ (fromYaml .yamlText).b }}', '{{ fromYaml "" }}', '{{ fromYaml "a: yes\\nb: on\\nc: 0x10\\nd: 1e3\\ne: ~" }}', '{{ fromYamlArray .yamlList }}', '{{ fromYamlArray "" }}', '{{ fromYaml .yamlText | toYaml }}', '{{ fromYaml .yamlText | toJson }}',
  '{{ toYaml (list (dict "a" 1 "b" (list 1 2)) (list 3 (dict "c" "d")) (list) (dict)) }}', '{{ toYaml (dict "k" (list (dict "name" "x" "value" "y") (dict "name" "z"))) }}', '{{ toYaml (dict "s1" "- x" "s2" "x: y" "s3" "x #y" "s4" " lead" "s5" "trail " "s6" "@at" "s7" "it\'s" "s8" "q\"q" "s9" "null" "s10" "~" "s11" "0x1F" "s12" "1e3" "s13" "2024-01-01" "s14" "é ü" "s15" "a\tb") }}',
  '{{ toYaml (dict "key with space" 1 "key:colon" 2 "-dash" 3 "yes" 4 "1" 5 "" 6) }}', '{{ toYaml (dict "m" "multi\nline\n" "m2" "trailing\n\n" "m3" "  indented\nx") }}', '{{ toYaml (list "multi\nline" "x") }}', '{{ toYaml (dict "n" (dict "m" "a\nb")) }}',
  '{{ toYaml (dict "f" 1.5 "i" 10 "neg" -3 "big" 12345678901 "exp" 1e-7 "z" 0 "t" true "nil" nil) }}', '{{ toYaml (list (list (list 1))) }}', '{{ toYaml (dict "a" (dict "b" (dict "c" (list "d")))) }}',
  '{{ toYaml (dict "url" "https://example.com/a?b=c&d=e#f" "glob" "*.yaml" "pct" "50%" "brace" "{x}" "brack" "[x]" "amp" "&a" "star" "*a" "bang" "!tag" "pipe" "|x" "gt" ">x" "bq" "`x" "comma" "a, b") }}',
  '{{ toYaml (dict "long" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbb") }}', '{{ toYaml (list "word word word word word word word word word word word word word word word word word word") }}',
  '{{ range fromYamlArray .yamlList }}{{ typeOf . }} {{ end }}', '{{ toYaml .metadata | indent 2 }}', '{{ toYaml .metadata | nindent 4 }}']) add('argocd', t, params);

// --- prototype keys in data and templates (issue 9)
for (const t of ['{{ index .proto "__proto__" }}', '{{ .proto.__proto__ }}', '{{ .proto.constructor }}', '{{ index .proto "toString" }}', '{{ index .metadata "__proto__" }}', '{{ index .metadata "constructor" }}', '{{ .metadata.constructor }}', '{{ .metadata.__proto__ }}',
  '{{ hasKey .proto "__proto__" }}', '{{ hasKey .metadata "constructor" }}', '{{ (dict "__proto__" "x").__proto__ }}', '{{ toJson .proto }}', '{{ toJson (dict "__proto__" (dict "polluted" 1)) }}', '{{ set (dict) "__proto__" "x" | toJson }}', '{{ merge (dict) (dict "__proto__" (dict "p" 1)) | toJson }}',
  '{{ (fromJson "{\\"__proto__\\": {\\"p\\": 1}}").__proto__ }}', '{{ (fromYaml "__proto__: {p: 1}").__proto__ }}', '{{ range $k, $v := .proto }}{{ $k }}={{ $v }};{{ end }}', '{{ keys .proto | sortAlpha }}', '{{ get .metadata "constructor" }}', '{{ dig "constructor" "d" .metadata }}']) add('prototype', t, params, ['missingkey=error']);

// --- ArgoCD documentation templates (extracted from the argo-cd snapshot) and the seed ApplicationSet translated to goTemplate
const docs = JSON.parse(readFileSync(new URL('argocd-docs-templates.json', here), 'utf8'));
for (const d of docs.templates) {
  add('argocd-docs', d.template, params, undefined, { source: d.source });
  add('argocd-docs', d.template, params, ['missingkey=error'], { source: d.source });
}
const seed = { name: 'us-east', server: 'https://127.0.0.1:6443', metadata: { labels: { region: 'us-east', env: 'production' }, annotations: {} } };
for (const t of ['web-app-{{.name}}', '{{.metadata.labels.region}}', 'web-app/overlays/{{.metadata.labels.region}}', '{{.name}}', 'web-app-{{ .name | normalize }}', '{{ index .metadata.labels "region" }}']) add('seed', t, seed, ['missingkey=error']);

// --- nondeterministic functions: only whether Go fails is recorded
for (const t of ['{{ now }}', '{{ randAlphaNum 8 | len }}', '{{ randAlpha 4 }}', '{{ randNumeric 3 }}', '{{ randAscii 3 }}', '{{ randInt 1 10 }}', '{{ uuidv4 | len }}', '{{ shuffle "abc" | len }}', '{{ randBytes 8 }}', '{{ ago (now) }}', '{{ now | date "2006" }}', '{{ values (dict "a" 1 "b" 2) | len }}', '{{ keys .metadata.labels | len }}'])
  add('nondeterministic', t, params, undefined, { nondeterministic: true });

process.stdout.write(JSON.stringify(cases));
