package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// describe says what the figures were measured on: the machine, the software and the data.
func describe(ctx context.Context, db *pgxpool.Pool, o options) (string, error) {
	var b strings.Builder
	model, mem := cpuinfo("/proc/cpuinfo", "model name"), cpuinfo("/proc/meminfo", "MemTotal")
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	var pg string
	if err := db.QueryRow(ctx, `SELECT split_part(version(), ' on ', 1)`).Scan(&pg); err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "- Measured %s on %d cores (%s), %s memory, Linux %s.\n", time.Now().UTC().Format("2006-01-02 15:04 MST"),
		runtime.NumCPU(), model, mem, strings.TrimSpace(string(kernel)))
	fmt.Fprintf(&b, "- %s, %s; the load generator (cmd/loadbench, Go net/http, keep-alive, no gzip) runs on the same cores.\n",
		runtime.Version(), pg)
	fmt.Fprintf(&b, "- %d connections, %d rounds of %s per page and server (order alternating), %s warm-up.\n",
		o.Conc, o.Rounds, o.Duration, o.Warmup)
	var g, p, occ, loans, ev int64
	err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM groups), (SELECT count(*) FROM participants),
		(SELECT count(*) FROM booking_occurrences), (SELECT count(*) FROM licence_loans), (SELECT count(*) FROM events)`).
		Scan(&g, &p, &occ, &loans, &ev)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "- Our data: %d groups, %d participants, %d booking occurrences, %d licence loans, %d events (`seed --large`).\n",
		g, p, occ, loans, ev)
	b.WriteString("- Reference: `../shared/bench/reference` with `-router std -tmpl html -lockroom` (public pages) and the same with `-sessions` (staff pages, with a session cookie).\n")
	return b.String(), nil
}

func cpuinfo(path, key string) string {
	f, err := os.Open(path) // #nosec G304 -- called with /proc paths only
	if err != nil {
		return "?"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

// table writes the results as a Markdown table.
func table(w io.Writer, rows []row, s servers) {
	fmt.Fprintln(w, "| page | reference | ours req/s | ref req/s | ratio | goal | ours p50 | ours p99 | ref p99 | CPU/req ours (app + db) | CPU/req ref (app + db) | ours unexpected / 5xx |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range rows {
		rps := func(x result) float64 { return x.rps() }
		p := func(q float64) func(result) float64 { return func(x result) float64 { return ms(x.quantile(q)) } }
		app := func(x result) float64 { return x.perRequest(x.ServerCPU) }
		db := func(x result) float64 { return x.perRequest(x.DBCPU) }
		var unexpected, fives int64
		for _, x := range r.Ours {
			unexpected += x.Unexpected
			fives += x.count5xx()
		}
		g := "—"
		if v, ok := goal[r.T.Kind]; ok {
			g = fmt.Sprintf("≥ %.1f×", v)
		}
		name := r.T.Name
		if r.T.Kind == racing {
			var one, bursts int
			for _, x := range r.Ours {
				one, bursts = one+x.OneWinner, bursts+x.Bursts
			}
			g = "1 winner per burst"
			name = fmt.Sprintf("%s (%d/%d bursts with exactly one winner)", name, one, bursts)
		}
		fmt.Fprintf(w, "| %s | %s | %.0f | %.0f | %.2f× | %s | %.1f ms | %.1f ms | %.1f ms | %.2f + %.2f ms | %.2f + %.2f ms | %d / %d |\n",
			name, r.T.RefDesc, medianOf(r.Ours, rps), medianOf(r.Ref, rps), r.ratio(), g,
			medianOf(r.Ours, p(0.5)), medianOf(r.Ours, p(0.99)), medianOf(r.Ref, p(0.99)),
			medianOf(r.Ours, app), medianOf(r.Ours, db), medianOf(r.Ref, app), medianOf(r.Ref, db), unexpected, fives)
	}
	_, appPeak := s.App.memKiB()
	_, refPeak := s.RefPlain.memKiB()
	_, sessPeak := s.RefSess.memKiB()
	fmt.Fprintf(w, "\nPeak RSS under load: ours %.1f MiB; reference %.1f MiB, with sessions %.1f MiB.\n",
		float64(appPeak)/1024, float64(refPeak)/1024, float64(sessPeak)/1024)
}

func writeReport(o options, machine string, rows []row, s servers) error {
	var b strings.Builder
	b.WriteString("# Benchmarks\n\nThe latest `make bench`. Ratios are ours ÷ the reference's req/s in the same round, the median over the rounds; the other figures are medians over the rounds. Latencies include the load generator's own time on the shared cores. \"Unexpected\" counts answers other than the page's success status (for the race: other than success or 409).\n\n")
	b.WriteString(machine)
	b.WriteString("\n## HTTP, side by side\n\n")
	table(&b, rows, s)
	if o.GoBench != "" {
		if out, err := os.ReadFile(o.GoBench); err == nil {
			b.WriteString("\n## Go benchmarks\n\n```\n")
			b.Write(out)
			b.WriteString("```\n")
		}
	}
	fmt.Print("\n" + b.String())
	return os.WriteFile(o.Out, []byte(b.String()), 0o644) // #nosec G306 -- BENCHMARKS.md is committed and read by everyone: a normal repository file mode
}
