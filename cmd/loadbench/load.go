package main

import (
	"context"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// request builds the i-th request of a run; i is unique within the run, so a builder can make
// every sign-up or booking different.
type request func(i int64) *http.Request

// result is what one run of one target on one server measured.
type result struct {
	Requests   int64
	Seconds    float64
	Status     map[int]int64 // response status → count; 0 counts transport errors
	Latencies  []time.Duration
	ServerCPU  float64 // seconds of CPU the server process used during the run
	DBCPU      float64 // seconds of CPU PostgreSQL used during the run
	RSSKiB     int64   // the server's resident set at the end of the run
	Bursts     int     // race runs: bursts sent
	OneWinner  int     // race runs: bursts in which exactly one request succeeded
	Unexpected int64   // responses whose status was not the expected one
}

func (r result) rps() float64 { return float64(r.Requests) / r.Seconds }

// quantile returns the q-quantile of the latencies (they are sorted by then).
func (r result) quantile(q float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	return r.Latencies[int(q*float64(len(r.Latencies)-1))]
}

// perRequest divides CPU seconds by the requests, in milliseconds.
func (r result) perRequest(cpu float64) float64 {
	if r.Requests == 0 {
		return 0
	}
	return cpu / float64(r.Requests) * 1000
}

func (r result) count5xx() int64 {
	var n int64
	for code, c := range r.Status {
		if code >= 500 || code == 0 {
			n += c
		}
	}
	return n
}

// newClient is a keep-alive client with one connection per worker, no redirects and no
// compression (as wrk: the servers are compared on the bytes they produce, not on gzip).
func newClient(conc int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc, DisableCompression: true,
			IdleConnTimeout: time.Minute},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
}

// do sends one request and returns its status (0 on a transport error) and latency.
func do(c *http.Client, req *http.Request) (int, time.Duration) {
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, time.Since(start)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, time.Since(start)
}

// load runs conc workers that send requests back to back for d, as a closed-loop load tool
// does, and collects every latency and status.
func load(c *http.Client, conc int, d time.Duration, next request, want func(int) bool) result {
	var seq atomic.Int64
	var mu sync.Mutex
	res := result{Status: map[int]int64{}}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 4096)
			status := map[int]int64{}
			var bad int64
			for ctx.Err() == nil {
				code, l := do(c, next(seq.Add(1)))
				lat = append(lat, l)
				status[code]++
				if !want(code) {
					bad++
				}
			}
			mu.Lock()
			defer mu.Unlock()
			res.Latencies = append(res.Latencies, lat...)
			for k, v := range status {
				res.Status[k] += v
			}
			res.Unexpected += bad
		}()
	}
	wg.Wait()
	res.Seconds = time.Since(start).Seconds()
	res.Requests = int64(len(res.Latencies))
	slices.Sort(res.Latencies)
	return res
}

// race sends bursts of conc requests for one and the same slot, each burst released at once,
// for d: in every burst exactly one may succeed and the rest must be refused as a conflict.
func race(c *http.Client, conc int, d time.Duration, slot request, won func(int) bool) result {
	res := result{Status: map[int]int64{}}
	start := time.Now()
	for burst := int64(1); time.Since(start) < d; burst++ {
		codes := make([]int, conc)
		lats := make([]time.Duration, conc)
		gate := make(chan struct{})
		var wg sync.WaitGroup
		for w := range conc {
			req := slot(burst)
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				codes[w], lats[w] = do(c, req)
			}()
		}
		close(gate)
		wg.Wait()
		wins := 0
		for w, code := range codes {
			res.Status[code]++
			res.Latencies = append(res.Latencies, lats[w])
			if won(code) {
				wins++
			} else if code != http.StatusConflict {
				res.Unexpected++
			}
		}
		res.Bursts++
		if wins == 1 {
			res.OneWinner++
		}
	}
	res.Seconds = time.Since(start).Seconds()
	res.Requests = int64(len(res.Latencies))
	slices.Sort(res.Latencies)
	return res
}
