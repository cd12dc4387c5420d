package volunteers_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/internal/volunteers"
)

func TestSharedThemes(t *testing.T) {
	t.Parallel()
	angst, sorg, rus := groups.Theme{ID: 1, NameNB: "Angst"}, groups.Theme{ID: 2, NameNB: "Sorg"}, groups.Theme{ID: 3, NameNB: "Rus"}
	cases := []struct {
		name             string
		volunteer, group []groups.Theme
		want             int
	}{
		{"none of either", nil, nil, 0},
		{"volunteer without themes", nil, []groups.Theme{angst}, 0},
		{"different", []groups.Theme{sorg}, []groups.Theme{angst, rus}, 0},
		{"one shared", []groups.Theme{angst, sorg}, []groups.Theme{rus, angst}, 1},
		{"both shared", []groups.Theme{angst, sorg}, []groups.Theme{sorg, angst}, 2},
	}
	for _, c := range cases {
		if got := volunteers.SharedThemes(c.volunteer, c.group); len(got) != c.want {
			t.Errorf("%s: %v, want %d", c.name, got, c.want)
		}
	}
}

// A group in start-up has one or two volunteers, never three; ending one frees a place.
func TestAtMostTwoVolunteers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	g := f.group(t, "g1", "startup", f.now)
	a, b, c := f.volunteer(t, "A"), f.volunteer(t, "B"), f.volunteer(t, "C")
	for _, v := range []volunteers.Volunteer{a, b} {
		if res, err := f.s.Assign(ctx, g, v.ID, false, f.staff, f.now); err != nil || !res.Assigned {
			t.Fatalf("assign %s = %+v, %v", v.Name, res, err)
		}
	}
	_, err := f.s.Assign(ctx, g, c.ID, true, f.staff, f.now)
	fieldError(t, err, "volunteer", "followup.assign.full")
	_, err = f.s.Assign(ctx, g, a.ID, false, f.staff, f.now)
	fieldError(t, err, "volunteer", "followup.assign.full")

	list, err := f.s.Assignments(ctx, g)
	if err != nil || len(list) != 2 || !list[0].Active() || list[0].AssignedBy != "Stine Ansatt" {
		t.Fatalf("assignments = %+v, %v", list, err)
	}
	if err := f.s.EndAssignment(ctx, g, list[0].ID, f.now); err != nil {
		t.Fatal(err)
	}
	if err := f.s.EndAssignment(ctx, g, list[0].ID, f.now); !errors.Is(err, volunteers.ErrNotActive) {
		t.Errorf("ending twice: %v", err)
	}
	other := f.group(t, "g2", "startup", f.now)
	if err := f.s.EndAssignment(ctx, other, list[1].ID, f.now); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("ending another group's assignment: %v", err)
	}
	if res, err := f.s.Assign(ctx, g, c.ID, false, f.staff, f.now); err != nil || !res.Assigned {
		t.Fatalf("assign after one ended = %+v, %v", res, err)
	}
	// The database holds the rule too, whoever writes.
	if _, err := f.db.Exec(ctx, `INSERT INTO group_volunteers (group_id, volunteer_id) VALUES ($1, $2)`, g, a.ID); err == nil {
		t.Error("the database took a third active volunteer")
	}
	if got, _ := f.s.VolunteerAssignments(ctx, c.ID); len(got) != 1 || got[0].GroupName != "g1" {
		t.Errorf("c's assignments = %+v", got)
	}
}

// Many staff assigning at once still leave at most two volunteers, and no error but the
// friendly one.
func TestAssignConcurrently(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	g := f.group(t, "g1", "startup", f.now)
	const n = 12
	vs := make([]volunteers.Volunteer, n)
	for i := range vs {
		vs[i] = f.volunteer(t, "V"+string(rune('A'+i)))
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range vs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.s.Assign(ctx, g, vs[i].ID, false, f.staff, f.now)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		var e validate.Errors
		switch {
		case err == nil:
			ok++
		case !errors.As(err, &e):
			t.Errorf("unexpected error: %v", err)
		}
	}
	if active := f.count(t, `SELECT count(*) FROM group_volunteers WHERE group_id = $1 AND ended_at IS NULL`, g); ok != 2 || active != 2 {
		t.Errorf("%d assignments succeeded, %d active; want 2", ok, active)
	}
}

// Only a group in start-up gets a volunteer, only an active volunteer is given, and not twice.
func TestAssignRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	gathering := f.group(t, "samler", "gathering", f.now.AddDate(0, 0, -1))
	startup := f.group(t, "oppstart", "startup", f.now)
	kari := f.volunteer(t, "Kari")
	ola := f.volunteer(t, "Ola")
	if _, err := f.s.Update(ctx, ola.ID, volunteers.Form{Name: "Ola", Active: false}, f.today); err != nil {
		t.Fatal(err)
	}
	_, err := f.s.Assign(ctx, gathering, kari.ID, false, f.staff, f.now)
	fieldError(t, err, "volunteer", "followup.assign.notStartup")
	_, err = f.s.Assign(ctx, startup, ola.ID, false, f.staff, f.now)
	fieldError(t, err, "volunteer", "followup.assign.inactive")
	_, err = f.s.Assign(ctx, startup, 0, false, f.staff, f.now)
	fieldError(t, err, "volunteer", "followup.assign.volunteer.required")
	_, err = f.s.Assign(ctx, startup, 999999, false, f.staff, f.now)
	fieldError(t, err, "volunteer", "followup.assign.volunteer.invalid")
	if _, err := f.s.Assign(ctx, 999999, kari.ID, false, f.staff, f.now); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("unknown group: %v", err)
	}
	if _, err := f.s.Assign(ctx, startup, kari.ID, false, 0, f.now); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.Assign(ctx, startup, kari.ID, false, f.staff, f.now)
	fieldError(t, err, "volunteer", "followup.assign.already")
}

// A volunteer who shares the group's theme is not assigned until staff confirm; the result
// names the shared themes either way.
func TestThemeWarning(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	g := f.group(t, "angstgruppe", "startup", f.now, f.angst)
	kari := f.volunteer(t, "Kari", f.angst, f.sorg)
	ola := f.volunteer(t, "Ola", f.sorg)

	res, err := f.s.Assign(ctx, g, kari.ID, false, f.staff, f.now)
	if err != nil || res.Assigned || len(res.Shared) != 1 || res.Shared[0].NameNB != "Angst" {
		t.Fatalf("unconfirmed = %+v, %v", res, err)
	}
	if n := f.count(t, `SELECT count(*) FROM group_volunteers`); n != 0 {
		t.Fatalf("%d assignments stored before the confirmation", n)
	}
	res, err = f.s.Assign(ctx, g, kari.ID, true, f.staff, f.now)
	if err != nil || !res.Assigned || len(res.Shared) != 1 {
		t.Fatalf("confirmed = %+v, %v", res, err)
	}
	res, err = f.s.Assign(ctx, g, ola.ID, false, f.staff, f.now)
	if err != nil || !res.Assigned || len(res.Shared) != 0 {
		t.Fatalf("no shared theme = %+v, %v", res, err)
	}
}
