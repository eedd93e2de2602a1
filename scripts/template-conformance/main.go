// Command template-conformance renders the template conformance cases with
// Go's own text/template and rewrites their expected outputs, or times Go on
// a generated node list (the /etc/hosts benchmark).
//
//	go run scripts/template-conformance/main.go Tests/Fixtures/templates/cases.json
//	go run scripts/template-conformance/main.go -bench 50000 [-out FILE] [-dump FILE]
//
// Cases marked "sprig": true keep their hand-written expectations (Sprig is
// not available without modules), and so do cases with a "manual" reason
// (features newer than this Go, or documented differences).
//
// JSON numbers are decoded with UseNumber and integral ones become int (64-bit
// here), matching the Swift side, so constants and data have the same type names.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/template"
	"time"
)

type testCase struct {
	Name     string          `json:"name"`
	Template string          `json:"template"`
	Data     json.RawMessage `json:"data,omitempty"`
	Output   *string         `json:"output,omitempty"`
	Error    *string         `json:"error,omitempty"`
	Sprig    bool            `json:"sprig,omitempty"`
	Manual   string          `json:"manual,omitempty"`
	Option   string          `json:"option,omitempty"`
	Delims   []string        `json:"delims,omitempty"`
}

// decode turns JSON into Go values keeping integers as int (UseNumber, then
// int when integral) so both engines see the same types.
func decode(raw json.RawMessage) (any, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return convert(v), nil
}

func convert(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil && !strings.ContainsAny(string(x), ".eE") {
			return int(i)
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = convert(x[i])
		}
		return x
	case map[string]any:
		for k := range x {
			x[k] = convert(x[k])
		}
		return x
	}
	return v
}

func render(c testCase) (string, error) {
	t := template.New("t")
	if c.Option != "" {
		t = t.Option(c.Option)
	}
	if len(c.Delims) == 2 {
		t = t.Delims(c.Delims[0], c.Delims[1])
	}
	t, err := t.Parse(c.Template)
	if err != nil {
		return "", err
	}
	data, err := decode(c.Data)
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	err = t.Execute(&out, data)
	return out.String(), err
}

func rewrite(path string) {
	raw, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var cases []testCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	changed := 0
	for i, c := range cases {
		if c.Sprig || c.Manual != "" {
			continue
		}
		out, err := render(c)
		var newOut, newErr *string
		if err != nil {
			msg := err.Error()
			newErr = &msg
		} else {
			newOut = &out
		}
		if !same(c.Output, newOut) || !same(c.Error, newErr) {
			changed++
		}
		cases[i].Output, cases[i].Error = newOut, newErr
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%d cases, %d expectations changed\n", len(cases), changed)
}

func same(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// BenchTemplate is the /etc/hosts-style template timed on both engines.
const BenchTemplate = `# Generated for {{.ClusterName}}
127.0.0.1 localhost
{{range $i, $n := .AllNodes}}{{if $n.Ipaddr}}{{$n.Ipaddr}} {{$n.Id}}{{if $n.Domain}} {{$n.Id}}.{{$n.Domain}}{{end}}{{range $n.NetDevs}} {{$n.Id}}-{{.Name}}{{end}}
{{else}}# {{$n.Id}} has no address
{{end}}{{if eq (printf "%d" $i) "0"}}# first node{{"\n"}}{{end}}{{end}}{{printf "# %d nodes\n" (len .AllNodes)}}`

// benchData builds n nodes, a deterministic mix of shapes.
func benchData(n int) map[string]any {
	nodes := make([]any, n)
	for i := 0; i < n; i++ {
		node := map[string]any{
			"Id":     fmt.Sprintf("n%05d", i),
			"Ipaddr": fmt.Sprintf("10.%d.%d.%d", i/65536, (i/256)%256, i%256),
		}
		if i%10 == 0 {
			node["Ipaddr"] = ""
		}
		if i%3 == 0 {
			node["Domain"] = "cluster.local"
		}
		node["NetDevs"] = []any{map[string]any{"Name": "eth0"}, map[string]any{"Name": "ib0"}}
		nodes[i] = node
	}
	return map[string]any{"ClusterName": "bench", "AllNodes": nodes}
}

func bench(n int, dump, outFile string) {
	data := benchData(n)
	if dump != "" {
		raw, _ := json.Marshal(data)
		os.WriteFile(dump, raw, 0o644)
	}
	t := template.Must(template.New("hosts").Parse(BenchTemplate))
	var out bytes.Buffer
	t.Execute(&out, data) // warm-up
	best := time.Duration(1 << 62)
	for r := 0; r < 5; r++ {
		out.Reset()
		start := time.Now()
		if err := t.Execute(&out, data); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if d := time.Since(start); d < best {
			best = d
		}
	}
	if outFile != "" {
		os.WriteFile(outFile, out.Bytes(), 0o644)
	}
	fmt.Printf("go text/template: %d nodes, %d bytes, best of 5: %.2f ms\n", n, out.Len(), float64(best.Microseconds())/1000)
}

func main() {
	benchNodes := flag.Int("bench", 0, "time Go on this many generated nodes instead of rewriting cases")
	dump := flag.String("dump", "", "with -bench: also write the generated data as JSON to this file")
	outFile := flag.String("out", "", "with -bench: also write the rendered output to this file")
	flag.Parse()
	if *benchNodes > 0 {
		bench(*benchNodes, *dump, *outFile)
		return
	}
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: main.go CASES.json | -bench N [-dump FILE] [-out FILE]")
		os.Exit(2)
	}
	rewrite(flag.Arg(0))
}
