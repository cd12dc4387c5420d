package rooms

import (
	"net/url"
	"testing"
	"time"
)

// The house's forms read what staff type and refuse, field by field, what they cannot mean.
func TestHouseForms(t *testing.T) {
	var h HoursForm
	h.Parse(url.Values{"open-1": {"on"}, "opens-1": {" 08.00 "}, "closes-1": {"21:00"}, "open-2": {"on"}, "opens-2": {"9"}, "closes-2": {"8:00"}})
	week, errs := h.Validate()
	if !week[0].Open || week[0].Opens != 8*time.Hour || week[0].Closes != 21*time.Hour || week[6].Open {
		t.Errorf("week = %+v", week)
	}
	if !errs.Has("opens-2") || errs.Has("opens-1") || errs.Has("closes-1") {
		t.Errorf("hours errors = %v", errs)
	}
	if back := HoursFormOf(week); back[0].Opens != "08:00" || back[0].Closes != "21:00" || back[2].Open {
		t.Errorf("form of the week = %+v", back)
	}

	var c ClosureForm
	c.Parse(url.Values{"first": {"24.12.2026"}, "last": {"2027-01-01"}, "reason": {" Juleferie "}})
	closure, errs := c.Validate()
	if !errs.OK() || closure.First.Day() != 24 || closure.Last.Year() != 2027 || closure.Reason != "Juleferie" {
		t.Errorf("closure = %+v, %v", closure, errs)
	}

	var cf CancelForm
	cf.Parse(url.Values{"from": {"2026-12-24"}, "to": {"2026-12-20"}})
	if _, errs := cf.Validate(); !errs.Has("to") || errs.Has("from") {
		t.Errorf("a period that ends before it begins: %v", errs)
	}
	cf.Parse(url.Values{"occurrence": {"42"}, "rest": {"1"}, "reason": {"Sykdom"}})
	if got, errs := cf.Validate(); !errs.OK() || got.Occurrence != 42 || !got.Rest || got.Reason != "Sykdom" {
		t.Errorf("one meeting and the rest: %+v, %v", got, errs)
	}

	var ext ExtendForm
	ext.Parse(url.Values{"until": {"neste år"}, "skip": {"1"}})
	if _, errs := ext.Validate(); !errs.Has("until") || !ext.Skip {
		t.Errorf("extend = %+v, %v", ext, errs)
	}
}
