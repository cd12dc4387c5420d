package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// row is one page's results over all rounds.
type row struct {
	T         target
	Ours, Ref []result
}

// ratio is the median over the rounds of our req/s divided by the reference's in that round.
func (r row) ratio() float64 {
	var rs []float64
	for i := range r.Ours {
		if ref := r.Ref[i].rps(); ref > 0 {
			rs = append(rs, r.Ours[i].rps()/ref)
		}
	}
	return median(rs)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	if len(xs)%2 == 1 {
		return xs[len(xs)/2]
	}
	return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
}

// medianOf applies f to each round and returns the median.
func medianOf(rs []result, f func(result) float64) float64 {
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = f(r)
	}
	return median(xs)
}

// measure warms every page up on both servers, then runs the rounds: in even rounds ours
// first, in odd rounds the reference first, so neither always gets the warmer machine.
func measure(ctx context.Context, o options, f *fixture, ours, ref *pgxpool.Pool, s servers, ts []target) []row {
	c := newClient(o.Conc)
	rows := make([]row, len(ts))
	one := func(t target, theirs bool, d time.Duration) result {
		if t.Writes {
			if err := f.nextFree(ctx, ours, ref, f.OursFrom.Location()); err != nil {
				fmt.Fprintln(os.Stderr, "loadbench:", err)
			}
			f.Run++
		}
		srv, next, ok := s.App, t.Ours, t.OursOK
		if theirs {
			srv, next, ok = s.RefPlain, t.Ref, t.RefOK
			if t.Kind != public {
				srv = s.RefSess
			}
		}
		cpu0, db0 := srv.cpuSeconds(), postgresCPU()
		var res result
		if t.Kind == racing {
			res = race(c, o.Conc, d, next, ok)
		} else {
			res = load(c, o.Conc, d, next, ok)
		}
		res.ServerCPU, res.DBCPU = srv.cpuSeconds()-cpu0, postgresCPU()-db0
		res.RSSKiB, _ = srv.memKiB()
		return res
	}
	for i, t := range ts {
		rows[i].T = t
		one(t, false, o.Warmup)
		one(t, true, o.Warmup)
	}
	for round := range o.Rounds {
		for i, t := range ts {
			for _, theirs := range []bool{round%2 == 1, round%2 == 0} {
				res := one(t, theirs, o.Duration)
				who := "ours"
				if theirs {
					rows[i].Ref = append(rows[i].Ref, res)
					who = "ref "
				} else {
					rows[i].Ours = append(rows[i].Ours, res)
				}
				fmt.Fprintf(os.Stderr, "round %d  %-20s %s %8.0f req/s  p99 %6.1f ms  unexpected %d\n",
					round+1, t.Name, who, res.rps(), ms(res.quantile(0.99)), res.Unexpected)
			}
		}
	}
	return rows
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
