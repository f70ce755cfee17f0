// Command extract reads kustomize's api/krusty/*_test.go and writes each test's file tree as a
// conformance case. It interprets the small subset of Go those tests use: harness creation,
// th.WriteK/WriteC/WriteF/WriteLegacyConfigs, th.Run/RunWithErr, string literals and
// concatenation, package constants, helper functions and closures that receive the harness,
// struct/map/slice literals, `for ... range` over them, t.Run sub-tests and simple `if`s.
// Anything else makes the case "unsupported" (listed in skipped.txt with the reason), as do tests
// that need Go or exec plugins, Helm, the network or non-default build options.
//
// Usage: go run extract.go <kustomize api/krusty dir> <output dir>
package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

type value interface{}

type harness struct {
	files    map[string]string
	enhanced bool
}

type closure struct {
	lit *ast.FuncLit
	env *env
}

type orderedMap struct {
	keys []value
	vals []value
}

type structVal map[string]value

type opaque struct{ why string }

type env struct {
	vars   map[string]value
	parent *env
}

func (e *env) get(n string) (value, bool) {
	for c := e; c != nil; c = c.parent {
		if v, ok := c.vars[n]; ok {
			return v, true
		}
	}
	return nil, false
}

func (e *env) set(n string, v value) {
	for c := e; c != nil; c = c.parent {
		if _, ok := c.vars[n]; ok {
			c.vars[n] = v
			return
		}
	}
	e.vars[n] = v
}

func child(e *env) *env { return &env{vars: map[string]value{}, parent: e} }

type unsupported struct{ why string }

type caseOut struct {
	name    string
	source  string
	files   map[string]string
	build   string
	wantErr bool
}

type interp struct {
	funcs   map[string]*ast.FuncDecl
	globals *env
	fset    *token.FileSet
	source  string
	name    string
	cases   []caseOut
	skipped []string
	skipWhy string
	srcDir  string
}

var knownDefaultOpts = map[string]bool{"MakeDefaultOptions": true, "MakeOptionsPluginsDisabled": true}

func (in *interp) fail(format string, a ...interface{}) {
	panic(unsupported{fmt.Sprintf(format, a...)})
}

func (in *interp) eval(e ast.Expr, en *env) value {
	switch x := e.(type) {
	case *ast.BasicLit:
		switch x.Kind {
		case token.STRING:
			s, err := strconv.Unquote(x.Value)
			if err != nil {
				in.fail("bad string literal")
			}
			return s
		case token.INT:
			n, _ := strconv.Atoi(x.Value)
			return n
		}
		in.fail("literal %s", x.Value)
	case *ast.ParenExpr:
		return in.eval(x.X, en)
	case *ast.Ident:
		switch x.Name {
		case "true":
			return true
		case "false":
			return false
		case "nil":
			return nil
		}
		if v, ok := en.get(x.Name); ok {
			return v
		}
		if f, ok := in.funcs[x.Name]; ok {
			return f
		}
		in.fail("unknown identifier %s", x.Name)
	case *ast.BinaryExpr:
		l, r := in.eval(x.X, en), in.eval(x.Y, en)
		switch x.Op {
		case token.ADD:
			ls, ok1 := l.(string)
			rs, ok2 := r.(string)
			if ok1 && ok2 {
				return ls + rs
			}
			li, ok1 := l.(int)
			ri, ok2 := r.(int)
			if ok1 && ok2 {
				return li + ri
			}
		case token.EQL:
			return fmt.Sprint(l) == fmt.Sprint(r)
		case token.NEQ:
			return fmt.Sprint(l) != fmt.Sprint(r)
		case token.LAND:
			return l == true && r == true
		case token.LOR:
			return l == true || r == true
		}
		in.fail("binary %s", x.Op)
	case *ast.UnaryExpr:
		if x.Op == token.NOT {
			return in.eval(x.X, en) != true
		}
		if x.Op == token.AND {
			return in.eval(x.X, en)
		}
		in.fail("unary %s", x.Op)
	case *ast.CompositeLit:
		return in.composite(x, en)
	case *ast.FuncLit:
		return &closure{x, en}
	case *ast.SelectorExpr:
		base := in.eval(x.X, en)
		if s, ok := base.(structVal); ok {
			v, ok := s[x.Sel.Name]
			if !ok {
				return nil
			}
			return v
		}
		in.fail("selector %s", x.Sel.Name)
	case *ast.IndexExpr:
		base := in.eval(x.X, en)
		idx := in.eval(x.Index, en)
		switch b := base.(type) {
		case []value:
			return b[idx.(int)]
		case *orderedMap:
			for i, k := range b.keys {
				if k == idx {
					return b.vals[i]
				}
			}
			return nil
		}
		in.fail("index")
	case *ast.CallExpr:
		return in.call(x, en)
	}
	in.fail("expression %T", e)
	return nil
}

func (in *interp) composite(x *ast.CompositeLit, en *env) value {
	typ := x.Type
	switch t := typ.(type) {
	case *ast.MapType:
		m := &orderedMap{}
		for _, el := range x.Elts {
			kv := el.(*ast.KeyValueExpr)
			m.keys = append(m.keys, in.eval(kv.Key, en))
			m.vals = append(m.vals, in.elem(kv.Value, t.Value, en))
		}
		return m
	case *ast.ArrayType:
		var s []value
		for _, el := range x.Elts {
			s = append(s, in.elem(el, t.Elt, en))
		}
		return s
	default:
		return in.structLit(x, en)
	}
}

// elem evaluates an element whose type may be elided (`{...}` inside a slice or map literal).
func (in *interp) elem(e ast.Expr, typ ast.Expr, en *env) value {
	if c, ok := e.(*ast.CompositeLit); ok && c.Type == nil {
		if at, ok := typ.(*ast.ArrayType); ok {
			return in.composite(&ast.CompositeLit{Type: at, Elts: c.Elts}, en)
		}
		if mt, ok := typ.(*ast.MapType); ok {
			return in.composite(&ast.CompositeLit{Type: mt, Elts: c.Elts}, en)
		}
		return in.structLit(c, en)
	}
	return in.eval(e, en)
}

func (in *interp) elemQuiet(e ast.Expr, typ ast.Expr, en *env) (v value) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(unsupported); !ok {
				panic(r)
			}
			v = &opaque{"field"}
		}
	}()
	return in.elem(e, typ, en)
}

func (in *interp) structLit(x *ast.CompositeLit, en *env) value {
	s := structVal{}
	var st *ast.StructType
	if t, ok := x.Type.(*ast.StructType); ok {
		st = t
	}
	for _, el := range x.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			in.fail("positional struct literal")
		}
		name := kv.Key.(*ast.Ident).Name
		var ft ast.Expr
		if st != nil {
			for _, f := range st.Fields.List {
				for _, n := range f.Names {
					if n.Name == name {
						ft = f.Type
					}
				}
			}
		}
		// A field the interpreter cannot evaluate stays opaque until something uses it.
		s[name] = in.elemQuiet(kv.Value, ft, en)
	}
	return s
}

func (in *interp) call(x *ast.CallExpr, en *env) value {
	args := func() []value {
		var out []value
		for _, a := range x.Args {
			out = append(out, in.eval(a, en))
		}
		return out
	}
	switch fn := x.Fun.(type) {
	case *ast.SelectorExpr:
		recv := exprName(fn.X)
		m := fn.Sel.Name
		switch recv {
		case "kusttest_test":
			switch m {
			case "MakeHarness", "MakeHarnessWithFs":
				return &harness{files: map[string]string{}}
			case "MakeEnhancedHarness", "MakeEnhancedHarnessWithTmpRoot":
				return &harness{files: map[string]string{}, enhanced: true}
			}
			in.fail("kusttest_test.%s", m)
		case "filepath", "path":
			if m == "Join" {
				var parts []string
				for _, a := range args() {
					parts = append(parts, a.(string))
				}
				return path.Join(parts...)
			}
		case "strings":
			a := args()
			switch m {
			case "ReplaceAll":
				return strings.ReplaceAll(a[0].(string), a[1].(string), a[2].(string))
			case "TrimSpace":
				return strings.TrimSpace(a[0].(string))
			case "Repeat":
				return strings.Repeat(a[0].(string), a[1].(int))
			}
		case "os":
			if m == "ReadFile" {
				b, err := os.ReadFile(filepath.Join(in.srcDir, args()[0].(string)))
				if err != nil {
					in.fail("os.ReadFile: %v", err)
				}
				return string(b)
			}
		case "openapi", "require", "assert":
			return nil // schema resets and Go-side assertions; the expectation comes from kubectl
		case "fmt":
			if m == "Sprintf" {
				a := args()
				rest := make([]interface{}, 0, len(a)-1)
				for _, v := range a[1:] {
					rest = append(rest, v)
				}
				return fmt.Sprintf(a[0].(string), rest...)
			}
		case "t":
			if m == "Run" {
				name := in.eval(x.Args[0], en)
				lit, ok := x.Args[1].(*ast.FuncLit)
				if !ok {
					in.fail("t.Run without a literal function")
				}
				saved := in.name
				in.name = saved + "--" + fmt.Sprint(name)
				in.runBody(lit.Body, child(en))
				in.name = saved
				return nil
			}
			return nil // t.Helper, t.Skip... handled by the statement walker
		}
		if h, ok := in.evalQuiet(fn.X, en).(*harness); ok {
			return in.harnessCall(h, m, x, args)
		}
		if m == "Error" || m == "Fatal" || m == "Fatalf" || m == "Errorf" || m == "Contains" || m == "Equal" || m == "NoError" || m == "True" || m == "False" {
			return nil // assertions on the Go side: the expectation comes from kubectl
		}
		in.fail("call %s.%s", recv, m)
	case *ast.Ident:
		switch fn.Name {
		case "len":
			switch v := in.eval(x.Args[0], en).(type) {
			case string:
				return len(v)
			case []value:
				return len(v)
			}
		case "string":
			return in.eval(x.Args[0], en)
		}
		if d, ok := in.funcs[fn.Name]; ok {
			return in.invokeDecl(d, args(), en)
		}
		if v, ok := en.get(fn.Name); ok {
			return in.invokeValue(v, args())
		}
		in.fail("call %s", fn.Name)
	default:
		v := in.eval(x.Fun, en)
		return in.invokeValue(v, args())
	}
	return nil
}

func (in *interp) evalQuiet(e ast.Expr, en *env) (v value) {
	defer func() {
		if r := recover(); r != nil {
			u, ok := r.(unsupported)
			if !ok {
				panic(r)
			}
			v = &opaque{u.why}
		}
	}()
	return in.eval(e, en)
}

func (in *interp) invokeValue(v value, args []value) value {
	switch f := v.(type) {
	case *closure:
		return in.invokeFunc(f.lit.Type, f.lit.Body, args, f.env)
	case *ast.FuncDecl:
		return in.invokeDecl(f, args, in.globals)
	}
	in.fail("call of a non-function")
	return nil
}

func (in *interp) invokeDecl(d *ast.FuncDecl, args []value, _ *env) value {
	if d.Recv != nil {
		in.fail("method call")
	}
	return in.invokeFunc(d.Type, d.Body, args, in.globals)
}

type returned struct{ v value }

func (in *interp) invokeFunc(ft *ast.FuncType, body *ast.BlockStmt, args []value, en *env) (out value) {
	e := child(en)
	i := 0
	for _, p := range ft.Params.List {
		for _, n := range p.Names {
			if i < len(args) {
				e.vars[n.Name] = args[i]
			}
			i++
		}
	}
	defer func() {
		if r := recover(); r != nil {
			if ret, ok := r.(returned); ok {
				out = ret.v
				return
			}
			panic(r)
		}
	}()
	in.block(body.List, e)
	return nil
}

var pluginKinds = regexp.MustCompile(`(?m)^\s*(kind:\s*(HelmChartInflationGenerator)|helmCharts:|helmGlobals:)`)
var remote = regexp.MustCompile(`(?m)^\s*-\s*(https?://|github\.com/|git::|ssh://|git@)`)
var krmFn = regexp.MustCompile(`config\.kubernetes\.io/function|config\.k8s\.io/function`)

func (in *interp) harnessCall(h *harness, m string, x *ast.CallExpr, args func() []value) value {
	switch m {
	case "WriteK", "WriteC":
		a := args()
		head := "\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
		if m == "WriteC" {
			head = "\napiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
		}
		h.files[clean(path.Join(a[0].(string), "kustomization.yaml"))] = head + a[1].(string)
	case "WriteF":
		a := args()
		h.files[clean(a[0].(string))] = a[1].(string)
	case "WriteLegacyConfigs":
		in.fail("WriteLegacyConfigs (needs kustomize's default field specs)")
	case "Join":
		var parts []string
		for _, a := range args() {
			parts = append(parts, a.(string))
		}
		return path.Join(parts...)
	case "GetRoot":
		return "."
	case "MkDir":
		return args()[0]
	case "PrepBuiltin", "Reset", "Helper", "GetT", "AssertActualEqualsExpected", "AssertActualEqualsExpectedNoIdAnnotations", "AssertActualEqualsExpectedWithTweak":
		return nil
	case "MakeDefaultOptions", "MakeOptionsPluginsDisabled":
		return structVal{"default": true}
	case "MakeOptionsPluginsEnabled", "BuildGoPlugin", "PrepExecPlugin", "ErrIfNoHelm", "GetPluginConfig":
		in.skipWhy = "plugins"
		in.fail("needs plugins (%s)", m)
	case "Run", "RunWithErr":
		a := args()
		if o, ok := a[1].(structVal); !ok || o["default"] != true {
			in.fail("non-default build options")
		}
		for _, c := range h.files {
			if pluginKinds.MatchString(c) {
				in.skipWhy = "helm"
				in.fail("needs Helm")
			}
			if remote.MatchString(c) {
				in.skipWhy = "network"
				in.fail("needs the network")
			}
			if krmFn.MatchString(c) {
				in.skipWhy = "plugins"
				in.fail("needs KRM functions")
			}
		}
		files := map[string]string{}
		for k, v := range h.files {
			files[k] = v
		}
		in.cases = append(in.cases, caseOut{name: in.name, source: in.source, files: files, build: clean(a[0].(string)), wantErr: m == "RunWithErr"})
		return nil
	default:
		in.fail("harness method %s", m)
	}
	return nil
}

func clean(p string) string {
	p = path.Clean(strings.TrimPrefix(p, "/"))
	return p
}

func exprName(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

func (in *interp) block(stmts []ast.Stmt, en *env) {
	for _, s := range stmts {
		in.stmt(s, en)
	}
}

func (in *interp) stmt(s ast.Stmt, en *env) {
	switch x := s.(type) {
	case *ast.ExprStmt:
		in.eval(x.X, en)
	case *ast.AssignStmt:
		if len(x.Rhs) == 1 && len(x.Lhs) > 1 {
			// `v, err := f()`: the first result is modelled (os.ReadFile), the others are opaque.
			v := in.evalQuiet(x.Rhs[0], en)
			for i, l := range x.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
					if i == 0 {
						in.assign(id.Name, x.Tok, v, en)
					} else {
						in.assign(id.Name, x.Tok, &opaque{"multi"}, en)
					}
				}
			}
			return
		}
		for i, l := range x.Lhs {
			v := in.evalQuiet(x.Rhs[i], en)
			if v == nil {
				v = &opaque{"nil"}
			}
			if x.Tok == token.ADD_ASSIGN {
				if cur, ok := in.evalQuiet(l, en).(string); ok {
					if add, ok := v.(string); ok {
						v = cur + add
					}
				}
			}
			if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
				in.assign(id.Name, x.Tok, v, en)
			}
			// `opts.LoadRestrictions = ...`: the build no longer runs with default options.
			if sel, ok := l.(*ast.SelectorExpr); ok {
				if sv, ok := in.evalQuiet(sel.X, en).(structVal); ok {
					sv[sel.Sel.Name] = v
					if _, isOpts := sv["default"]; isOpts {
						sv["default"] = false
					}
				}
			}
		}
	case *ast.DeclStmt:
		in.decl(x.Decl.(*ast.GenDecl), en)
	case *ast.DeferStmt:
	case *ast.ReturnStmt:
		if len(x.Results) == 1 {
			panic(returned{in.eval(x.Results[0], en)})
		}
		panic(returned{nil})
	case *ast.BlockStmt:
		in.block(x.List, child(en))
	case *ast.IfStmt:
		e := child(en)
		if x.Init != nil {
			in.stmt(x.Init, e)
		}
		c := in.evalQuiet(x.Cond, e)
		b, ok := c.(bool)
		if !ok {
			// `if err != nil { t.Fatal }` style guards around unevaluated values: take neither
			// branch unless a branch writes files or runs a build.
			if touchesHarness(x.Body) || (x.Else != nil && touchesHarness(x.Else)) {
				in.fail("condition not evaluable")
			}
			return
		}
		if b {
			in.block(x.Body.List, e)
		} else if x.Else != nil {
			in.stmt(x.Else, e)
		}
	case *ast.RangeStmt:
		coll := in.eval(x.X, en)
		iter := func(k, v value) {
			e := child(en)
			if id, ok := x.Key.(*ast.Ident); ok && id.Name != "_" {
				e.vars[id.Name] = k
			}
			if x.Value != nil {
				if id, ok := x.Value.(*ast.Ident); ok && id.Name != "_" {
					e.vars[id.Name] = v
				}
			}
			in.block(x.Body.List, e)
		}
		switch c := coll.(type) {
		case []value:
			for i, v := range c {
				iter(i, v)
			}
		case *orderedMap:
			for i, k := range c.keys {
				iter(k, c.vals[i])
			}
		default:
			if o, ok := coll.(*opaque); ok {
				in.fail("range over a value not evaluated: %s", o.why)
			}
			in.fail("range over %T", coll)
		}
	case *ast.ForStmt:
		e := child(en)
		if x.Init != nil {
			in.stmt(x.Init, e)
		}
		for n := 0; n < 1000; n++ {
			if c, ok := in.eval(x.Cond, e).(bool); !ok || !c {
				return
			}
			in.block(x.Body.List, child(e))
			if inc, ok := x.Post.(*ast.IncDecStmt); ok {
				id := inc.X.(*ast.Ident)
				cur, _ := e.get(id.Name)
				d := 1
				if inc.Tok == token.DEC {
					d = -1
				}
				e.set(id.Name, cur.(int)+d)
			} else {
				in.fail("for post statement")
			}
		}
	case *ast.IncDecStmt, *ast.EmptyStmt:
	default:
		in.fail("statement %T", s)
	}
}

func (in *interp) assign(name string, tok token.Token, v value, en *env) {
	if tok == token.DEFINE {
		en.vars[name] = v
	} else {
		en.set(name, v)
	}
}

func touchesHarness(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && strings.HasPrefix(sel.Sel.Name, "Write") || ok && strings.HasPrefix(sel.Sel.Name, "Run") && exprName(sel.X) != "t" {
			found = true
		}
		return !found
	})
	return found
}

func (in *interp) decl(d *ast.GenDecl, en *env) {
	for _, sp := range d.Specs {
		vs, ok := sp.(*ast.ValueSpec)
		if !ok {
			continue
		}
		for i, n := range vs.Names {
			var v value = &opaque{"zero"}
			if i < len(vs.Values) {
				if ev := in.evalQuiet(vs.Values[i], en); ev != nil {
					v = ev
				}
			} else if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "string" {
				v = ""
			}
			en.vars[n.Name] = v
		}
	}
}

func (in *interp) runBody(body *ast.BlockStmt, en *env) {
	defer func() {
		if r := recover(); r != nil {
			if u, ok := r.(unsupported); ok {
				reason := "unsupported"
				if in.skipWhy != "" {
					reason = in.skipWhy
				}
				in.skipped = append(in.skipped, fmt.Sprintf("%s\t%s\t%s", in.name, reason, u.why))
				in.skipWhy = ""
				return
			}
			if _, ok := r.(returned); ok {
				return
			}
			// A Go runtime error (a type assertion on a value the interpreter does not model).
			in.skipped = append(in.skipped, fmt.Sprintf("%s\tunsupported\t%v", in.name, r))
			in.skipWhy = ""
		}
	}()
	in.block(body.List, en)
}

func main() {
	src, out := os.Args[1], os.Args[2]
	fset := token.NewFileSet()
	names, _ := filepath.Glob(filepath.Join(src, "*_test.go"))
	sort.Strings(names)
	files := map[string]*ast.File{}
	funcs := map[string]*ast.FuncDecl{}
	for _, n := range names {
		f, err := parser.ParseFile(fset, n, nil, 0)
		if err != nil {
			panic(err)
		}
		files[n] = f
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				funcs[fd.Name.Name] = fd
			}
		}
	}
	in := &interp{funcs: funcs, fset: fset, srcDir: src}
	in.globals = &env{vars: map[string]value{}}
	for pass := 0; pass < 2; pass++ { // constants may refer to later ones
		for _, n := range names {
			for _, d := range files[n].Decls {
				if gd, ok := d.(*ast.GenDecl); ok && (gd.Tok == token.CONST || gd.Tok == token.VAR) {
					in.decl(gd, in.globals)
				}
			}
		}
	}
	for _, n := range names {
		for _, d := range files[n].Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || !strings.HasPrefix(fd.Name.Name, "Test") {
				continue
			}
			in.source = "api/krusty/" + filepath.Base(n)
			in.name = fd.Name.Name
			e := child(in.globals)
			e.vars["t"] = &opaque{"t"}
			in.runBody(fd.Body, e)
		}
	}
	seen := map[string]int{}
	for _, c := range in.cases {
		name := sanitize(c.name)
		seen[name]++
		if seen[name] > 1 {
			name = fmt.Sprintf("%s--run%d", name, seen[name])
		}
		dir := filepath.Join(out, name)
		for p, content := range c.files {
			fp := filepath.Join(dir, "tree", p)
			if err := os.MkdirAll(filepath.Dir(fp), 0o755); err != nil {
				panic(err)
			}
			if err := os.WriteFile(fp, []byte(content), 0o644); err != nil {
				panic(err)
			}
		}
		os.MkdirAll(filepath.Join(dir, "tree", c.build), 0o755)
		meta, _ := json.MarshalIndent(map[string]interface{}{"source": c.source, "test": c.name, "build": path.Join("tree", c.build), "kustomizeExpectsError": c.wantErr}, "", "  ")
		os.WriteFile(filepath.Join(dir, "case.json"), append(meta, '\n'), 0o644)
	}
	sort.Strings(in.skipped)
	os.WriteFile(filepath.Join(out, "skipped.txt"), []byte(strings.Join(in.skipped, "\n")+"\n"), 0o644)
	fmt.Printf("%d cases, %d skipped\n", len(in.cases), len(in.skipped))
}

func sanitize(s string) string {
	return regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(s, "_")
}
