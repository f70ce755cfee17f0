// Command gotemplate-oracle renders Go text/template cases exactly as ArgoCD's ApplicationSet
// controller does (applicationset/utils: sprig.GenericFuncMap() minus env, expandenv and
// getHostByName, plus normalize, slugify, toYaml, fromYaml, fromYamlArray; template "base";
// goTemplateOptions passed to Option). It reads a JSON array of cases on stdin and writes the
// same cases with "want" ({"output": ...} or {"error": ...}) on stdout.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"text/template"

	sprig "github.com/Masterminds/sprig/v3"
	"github.com/ghodss/yaml"
)

type testCase struct {
	Family   string          `json:"family"`
	Name     string          `json:"name"`
	Template string          `json:"template"`
	Data     json.RawMessage `json:"data,omitempty"`
	Options  []string        `json:"options,omitempty"`
	// Nondeterministic cases record only whether Go fails, not the output.
	Nondeterministic bool `json:"nondeterministic,omitempty"`
	Want             *want `json:"want,omitempty"`
}

type want struct {
	Output *string `json:"output,omitempty"`
	Error  *string `json:"error,omitempty"`
}

func sanitizeName(name string) string {
	invalid := regexp.MustCompile("[^-a-z0-9.]")
	name = strings.ToLower(name)
	name = invalid.ReplaceAllString(name, "-")
	if len(name) > 253 {
		name = name[:253]
	}
	return strings.Trim(name, "-.")
}

// slugMake is gosimple/slug's Make (language "en") for the ASCII input SanitizeName leaves:
// gosimple/slug is not packaged in Debian, and after SanitizeName only [-a-z0-9.] remain.
func slugMake(s string, maxLength int, smart bool) string {
	s = regexp.MustCompile("[^a-zA-Z0-9-_]").ReplaceAllString(s, "-")
	s = regexp.MustCompile("-+").ReplaceAllString(s, "-")
	s = strings.Trim(s, "-_")
	if maxLength > 0 && smart && len(s) > maxLength {
		cut := -1
		for i := maxLength; i >= 0; i-- {
			if s[i] == '-' {
				cut = i
				break
			}
		}
		if cut >= 0 {
			s = s[:cut]
		} else {
			s = s[:maxLength]
		}
	} else if maxLength > 0 && len(s) > maxLength {
		s = s[:maxLength]
	}
	return strings.Trim(s, "-")
}

func slugifyName(args ...interface{}) string {
	maxSize, smart, name := 50, true, ""
	for idx, arg := range args {
		switch idx {
		case len(args) - 1:
			name = arg.(string)
		case 0:
			maxSize = arg.(int)
		case 1:
			smart = arg.(bool)
		}
	}
	return slugMake(sanitizeName(name), maxSize, smart)
}

func toYAML(v interface{}) (string, error) {
	data, err := yaml.Marshal(v)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(string(data), "\n"), nil
}

func fromYAML(str string) (map[string]interface{}, error) {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(str), &m); err != nil {
		return nil, err
	}
	return m, nil
}

func fromYAMLArray(str string) ([]interface{}, error) {
	a := []interface{}{}
	if err := yaml.Unmarshal([]byte(str), &a); err != nil {
		return nil, err
	}
	return a, nil
}

func funcMap() template.FuncMap {
	m := sprig.GenericFuncMap()
	delete(m, "env")
	delete(m, "expandenv")
	delete(m, "getHostByName")
	m["normalize"] = sanitizeName
	m["slugify"] = slugifyName
	m["toYaml"] = toYAML
	m["fromYaml"] = fromYAML
	m["fromYamlArray"] = fromYAMLArray
	return template.FuncMap(m)
}

func render(c testCase, funcs template.FuncMap) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	t := template.New("base").Funcs(funcs)
	for _, o := range c.Options {
		t = t.Option(o)
	}
	if t, err = t.Parse(c.Template); err != nil {
		return "", err
	}
	var data map[string]interface{}
	if len(c.Data) > 0 {
		if err := json.Unmarshal(c.Data, &data); err != nil {
			return "", fmt.Errorf("case data: %w", err)
		}
	}
	var buf bytes.Buffer
	err = t.Execute(&buf, data)
	return buf.String(), err
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "reading cases:", err)
		os.Exit(2)
	}
	funcs := funcMap()
	for i := range cases {
		out, err := render(cases[i], funcs)
		if err != nil {
			msg := err.Error()
			cases[i].Want = &want{Error: &msg}
		} else {
			if cases[i].Nondeterministic {
				out = ""
			}
			cases[i].Want = &want{Output: &out}
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(cases); err != nil {
		fmt.Fprintln(os.Stderr, "writing:", err)
		os.Exit(2)
	}
}
