package server

// The volunteer and follow-up pages in the authorisation matrix: staff and admins only; a
// group or volunteer that does not exist is 404, also for the forms posted empty.
func init() {
	for k, v := range map[string][]outcome{
		"GET /admin/igangsettere":                                staffOnly,
		"GET /admin/igangsettere/ny":                             staffOnly,
		"POST /admin/igangsettere/ny":                            staffOnly,
		"GET /admin/igangsettere/{id}":                           staffMissing,
		"POST /admin/igangsettere/{id}":                          staffMissing,
		"GET /admin/oppfolging":                                  staffOnly,
		"GET /admin/oppfolging/uten-igangsetter":                 staffOnly,
		"GET /admin/grupper/{id}/oppfolging":                     staffMissing,
		"POST /admin/grupper/{id}/oppfolging/start":              staffMissing,
		"POST /admin/grupper/{id}/oppfolging/igangsettere":       staffMissing,
		"POST /admin/grupper/{id}/oppfolging/igangsettere/slutt": staffMissing,
		"POST /admin/grupper/{id}/oppfolging/moter":              staffMissing,
		"POST /admin/grupper/{id}/oppfolging/moter/holdt":        staffMissing,
		"POST /admin/grupper/{id}/oppfolging/moter/slett":        staffMissing,
		"POST /admin/grupper/{id}/oppfolging/overlevering":       staffMissing,
		"POST /admin/grupper/{id}/oppfolging/sjekk":              staffMissing,
		"POST /admin/grupper/{id}/oppfolging/logg":               staffMissing,
	} {
		matrix[k] = v
	}
}
