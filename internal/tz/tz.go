// Package tz holds the one time zone the centre lives in. Times are stored as timestamptz
// (UTC); they are shown and scheduled in Europe/Oslo, which this package embeds so that a
// container without zoneinfo still knows its summer time.
package tz

import (
	"time"
	_ "time/tzdata" // the container image has no zoneinfo
)

// Oslo is Europe/Oslo.
var Oslo = func() *time.Location {
	l, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		panic(err) // embedded by time/tzdata, so this cannot happen
	}
	return l
}()
