package server

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
)

// routes is the one place where every route and its guard are declared, so that who may do
// what can be reviewed on one screen. The authorisation matrix test walks this router: a
// route added here without an entry there fails the tests.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	if s.metrics != nil {
		r.Use(s.metrics)
	}
	r.Use(middleware.RequestID)
	r.Use(headAsGet)
	// Behind a reverse proxy (TRUSTED_PROXIES=1) the client is read from X-Forwarded-For,
	// counting only the hops we trust; otherwise from the peer address. Never RealIP.
	if s.cfg.TrustedProxies > 0 {
		r.Use(middleware.ClientIPFromXFFTrustedProxies(s.cfg.TrustedProxies))
	} else {
		r.Use(middleware.ClientIPFromRemoteAddr)
	}
	r.Use(s.accessLog)
	r.Use(s.recoverPanic)
	r.Use(s.securityHeaders)
	// Before routing, so a cross-site POST to any path, known or not, is refused alike.
	r.Use(s.crossOriginProtection)
	r.Use(s.language)
	r.Use(s.refuseBadURL)
	r.Use(middleware.Compress(5, "text/html", "text/css", "text/plain", "text/javascript",
		"application/javascript", "application/json", "image/svg+xml", "text/calendar", "text/csv"))
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed)

	// Probes and static files: no session, no language, no body.
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Get("/static/*", s.static)

	r.Group(func(r chi.Router) {
		r.Use(middleware.Timeout(30 * time.Second))
		r.Use(s.limitBody(1 << 20))
		r.Use(s.sessions.LoadAndSave)
		r.Use(s.authenticate)
		r.Use(noStorePrivate)

		// Public: anyone.
		r.Get("/", s.home)
		r.Get("/personvern", s.privacy)
		r.Get("/tilgjengelighet", s.accessibility)
		r.Get("/kontakt", s.contact)
		r.Post("/sprak", s.setLanguage)
		r.Get("/logg-inn", s.loginPage)
		r.Post("/logg-inn", s.login)
		r.Get("/logg-inn/kode", s.twoFactorPage)
		r.Post("/logg-inn/kode", s.twoFactor)
		r.Post("/logg-ut", s.logout)
		r.Get("/glemt-passord", s.forgotPage)
		r.Post("/glemt-passord", s.forgot)
		r.Get("/nytt-passord/{token}", s.setPasswordPage)
		r.Post("/nytt-passord/{token}", s.setPassword)
		r.Get("/invitasjon/{token}", s.setPasswordPage)
		r.Post("/invitasjon/{token}", s.setPassword)

		// The catalogue and the open data feed.
		r.Get("/grupper", s.catalogue)
		r.Get("/grupper/{slug}", s.group)
		r.Get("/tema", s.themesPage)
		r.Get("/tema/{slug}", s.theme)
		r.Get("/grupper/{slug}/kalender.ics", s.groupCalendar)
		r.Get("/api/grupper.json", s.groupsJSON)
		r.Get(meetingGuidePath, s.meetingGuideJSON)
		r.Get("/kalender/{token}", s.calendarFeed) // the secret token is the key
		r.Get("/arrangementer", s.eventList)
		r.Get("/arrangementer/{id}", s.eventPage)
		r.Get("/arrangementer/{id}/takk", s.eventThanks)

		// Sign-up without an account, rate limited per client IP; the private link is the key
		// to "My sign-ups".
		r.Group(func(r chi.Router) {
			r.Use(s.signupRateLimit)
			r.Get("/grupper/{slug}/meld-pa", s.signupPage)
			r.Post("/grupper/{slug}/meld-pa", s.signup)
			r.Get("/tema/{slug}/interesse", s.signupPage)
			r.Post("/tema/{slug}/interesse", s.signup)
			r.Get("/takk", s.signupThanks)
			r.Get("/sjekk-epost", s.checkMail)
			r.Get("/bekreft/{token}", s.confirmPage) // the secret token is the key
			r.Post("/bekreft/{token}", s.confirm)
			r.Get("/mine", s.myLinkPage)
			r.Post("/mine", s.myLinkRequest)
			r.Get("/mine/{token}", s.mySignups)
			r.Post("/mine/{token}/pamelding/{id}", s.myUpdateSignup)
			r.Get("/mine/{token}/pamelding/{id}/trekk", s.myWithdrawPage)
			r.Post("/mine/{token}/pamelding/{id}/trekk", s.myWithdraw)
			r.Get("/mine/{token}/data.json", s.myData)
			r.Get("/mine/{token}/slett", s.myDeletePage)
			r.Post("/mine/{token}/slett", s.myDelete)
			r.Post("/mine/{token}/tilbud/{id}", s.answerMyOffer)
			r.Get("/mine/{token}/gruppe/{id}/kalender.ics", s.myGroupICS)
			r.Get("/mine/{token}/gruppe/{id}/forlat", s.myLeavePage)
			r.Post("/mine/{token}/gruppe/{id}/forlat", s.myLeave)
			r.Get("/tilbud/{token}", s.offerPage)
			r.Post("/arrangementer/{id}", s.eventSignup)
			r.Get("/arrangement/{token}", s.myEvent)
			r.Post("/arrangement/{token}/avmeld", s.myEventCancel)
			r.Post("/arrangement/{token}/ja", s.myEventAccept)
			r.Get("/arrangement/{token}/kalender.ics", s.myEventICS)
			r.Post("/tilbud/{token}", s.answerOfferByLink)
			// A group's contact person: the group's schedule and room requests.
			s.requesterRoutes(r, "/gruppe/{token}", s.contactRequester)
			r.Get("/gruppe/{token}/moetelenke", s.contactMeetingLinkPage)
			r.Post("/gruppe/{token}/moetelenke", s.setContactMeetingLink)
		})
		// Twilio's webhook for incoming SMS (STOPP): signed with SMS_AUTH_TOKEN, not a browser's
		// form, so outside the cross-origin check (see crossOriginProtection).
		r.Post(smsWebhookPath, s.smsIncoming)
		if !s.cfg.Production() {
			r.Get("/dev/mailbox", s.devMailbox)
			r.Get("/dev/mailbox/{id}", s.devMailboxMessage)
			r.Get("/dev/mailbox/{id}/html", s.devMailboxHTML)
			r.Get("/dev/sms", s.devSMS)
		}

		// Any logged-in user: their own account.
		r.Group(func(r chi.Router) {
			r.Use(s.requireLogin)
			r.Get("/konto", s.account)
			r.Get("/konto/tofaktor", s.twoFactorSetupPage)
			r.Post("/konto/tofaktor", s.twoFactorSetup)
			r.With(s.requireRole(auth.Staff, auth.Admin)).Post("/konto/varsel", s.setRequestDigest)
		})

		// Staff and admins.
		r.Route("/admin", func(r chi.Router) {
			r.Use(s.requireLogin, s.requireRole(auth.Staff, auth.Admin), s.twoFactorRequired)
			r.Get("/", s.adminHome)
			r.Get("/invitasjon", s.invitePage)
			r.Post("/invitasjon", s.invite)

			// Themes and groups.
			r.Get("/tema", s.adminThemes)
			r.Get("/tema/ny", s.newThemePage)
			r.Post("/tema/ny", s.createTheme)
			r.Get("/tema/{id}", s.editThemePage)
			r.Post("/tema/{id}", s.updateTheme)
			r.Get("/grupper", s.adminGroups)
			r.Get("/grupper/ny", s.newGroupPage)
			r.Post("/grupper/ny", s.createGroup)
			r.Get("/grupper/{id}", s.editGroupPage)
			r.Post("/grupper/{id}", s.updateGroup)
			r.Post("/grupper/{id}/status", s.setGroupStatus)
			r.Post("/grupper/{id}/publisering", s.setGroupPublished)
			r.Post("/grupper/{id}/moetelenke", s.setGroupMeetingLink)

			// Licences: the pool, the queue of requests, the loans.
			r.Get("/lisenser", s.licenceList)
			r.Get("/lisenser/ny", s.newLicencePage)
			r.Post("/lisenser/ny", s.saveLicence)
			r.Get("/lisenser/bruk", s.licenceUsage)
			r.Get("/lisenser/foresporsler", s.loanRequests)
			r.Get("/lisenser/foresporsler/ny", s.staffLoanRequestPage)
			r.Post("/lisenser/foresporsler/ny", s.requestLoan(true))
			r.Get("/lisenser/foresporsler/{id}", s.loanRequest)
			r.Post("/lisenser/foresporsler/{id}/godkjenn", s.decideLoan(true))
			r.Post("/lisenser/foresporsler/{id}/avslag", s.decideLoan(false))
			r.Get("/lisenser/lan", s.loanList)
			r.Post("/lisenser/lan/{id}/retur", s.returnLoan)
			r.Get("/lisenser/{id}", s.licencePage)
			r.Post("/lisenser/{id}", s.saveLicence)
			r.Post("/lisenser/{id}/vis", s.revealLicence)

			// Partner organisations.
			r.Get("/organisasjoner", s.adminOrgs)
			r.Get("/organisasjoner/ny", s.newOrgPage)
			r.Post("/organisasjoner/ny", s.saveOrg)
			r.Get("/organisasjoner/{id}", s.editOrgPage)
			r.Post("/organisasjoner/{id}", s.saveOrg)

			// Rooms, bookings and keys.
			r.Get("/rom", s.roomList)
			r.Get("/dagsark", s.daySheet)
			r.Get("/rom/uke", s.houseWeek)
			r.Get("/rom/{id}", s.roomWeek)
			r.Post("/rom/{id}/kalender", s.rotateFeed(rooms.FeedRoom))
			r.Post("/grupper/{id}/kalender", s.rotateFeed(rooms.FeedGroup))
			r.Get("/bookinger/ny", s.newBookingPage)
			r.Post("/bookinger/ny", s.createBooking)
			r.Get("/bookinger/{id}", s.bookingPage)
			r.Post("/bookinger/{id}/avlys", s.cancelOccurrence)
			r.Post("/bookinger/{id}/gjeninnsett", s.reinstateMeeting)
			r.Post("/bookinger/{id}/forleng", s.extendBooking)
			r.Get("/nokler", s.keyList)
			r.Get("/nokler/ny", s.newKeyPage)
			r.Post("/nokler/ny", s.createKey)
			r.Get("/nokler/revisjon", s.keyAudit)
			r.Get("/nokler/{id}", s.keyPage)
			r.Post("/nokler/{id}/utlan", s.handOutKey)
			r.Post("/nokler/{id}/retur", s.returnKey)
			r.Post("/nokler/{id}/retur/angre", s.undoKeyReturn)
			r.Get("/apningstider", s.housePage)
			r.Post("/apningstider", s.saveHours)
			r.Post("/apningstider/stengt", s.addClosure)
			r.Post("/apningstider/unntak", s.addException)
			r.Post("/apningstider/unntak/{id}/slett", s.deleteException)
			r.Post("/apningstider/stengt/{id}/slett", s.deleteClosure)
			r.Get("/apningstider/stengt/{id}/avlys", s.closureCancelPage)
			r.Post("/apningstider/stengt/{id}/avlys", s.cancelInClosure)
			r.Get("/foresporsler", s.adminRoomRequests)
			r.Get("/foresporsler/{id}", s.adminRoomRequest)
			r.Post("/foresporsler/{id}/godkjenn", s.decideRoomRequest(true))
			r.Post("/foresporsler/{id}/avslag", s.decideRoomRequest(false))
			r.Get("/grupper/{id}/rom", s.groupRooms)
			r.Post("/grupper/{id}/kontakt", s.saveGroupContact)
			r.Post("/grupper/{id}/kontakt/lenke", s.sendContactLink)
			r.Post("/grupper/{id}/kontakt/slett", s.removeGroupContact)
			// A group's members (personal data: the view is audited) and messages to them.
			r.Get("/grupper/{id}/medlemmer", s.groupMembers)
			r.Get("/grupper/{id}/melding", s.groupMessagePage)
			r.Post("/grupper/{id}/melding", s.sendGroupMessage)

			// Volunteers (igangsettere), start-up and follow-up of groups. Their pages show
			// contact details, so they are not stored by the browser.
			r.Get("/igangsettere", s.volunteerList)
			r.Get("/igangsettere/ny", s.newVolunteerPage)
			r.Post("/igangsettere/ny", s.saveVolunteer)
			r.Get("/igangsettere/{id}", s.volunteerPage)
			r.Post("/igangsettere/{id}", s.saveVolunteer)
			r.Get("/oppfolging", s.followUpDue)
			r.Get("/oppfolging/uten-igangsetter", s.withoutVolunteer)
			r.Get("/grupper/{id}/oppfolging", s.followUpPage)
			r.Post("/grupper/{id}/oppfolging/start", s.setGroupStart)
			r.Post("/grupper/{id}/oppfolging/igangsettere", s.assignVolunteer)
			r.Post("/grupper/{id}/oppfolging/igangsettere/slutt", s.endAssignment)
			r.Post("/grupper/{id}/oppfolging/moter", s.planStartupMeeting)
			r.Post("/grupper/{id}/oppfolging/moter/holdt", s.markStartupMeeting)
			r.Post("/grupper/{id}/oppfolging/moter/slett", s.removeStartupMeeting)
			r.Post("/grupper/{id}/oppfolging/overlevering", s.handOverGroup)
			r.Post("/grupper/{id}/oppfolging/sjekk", s.recordCheckin)
			r.Post("/grupper/{id}/oppfolging/logg", s.addFollowUp)

			// The annual report.
			r.Get("/rapport", s.reportLatest)
			r.Get("/rapport/{year}", s.reportPage)
			r.Get("/rapport/{year}/{table}", s.reportFile)
			r.Post("/rapport/{year}/innledning", s.reportIntro)
			r.Get("/utadrettet", s.outreachPage)
			r.Post("/utadrettet", s.outreachAdd)
			r.Post("/utadrettet/{id}/slett", s.outreachDelete)

			// Events: intro meetings and coffee meetups.
			r.Get("/arrangementer", s.adminEvents)
			r.Get("/arrangementer/serier", s.seriesList)
			r.Get("/arrangementer/serier/ny", s.newSeriesPage)
			r.Post("/arrangementer/serier/ny", s.createSeries)
			r.Get("/arrangementer/serier/{id}", s.seriesPage)
			r.Get("/arrangementer/ny", s.newEventPage)
			r.Post("/arrangementer/ny", s.saveEvent)
			r.Get("/arrangementer/{id}", s.editEventPage)
			r.Post("/arrangementer/{id}", s.saveEvent)
			r.Post("/arrangementer/{id}/oppmote", s.saveAttendance)
			r.Post("/arrangementer/{id}/avlys", s.cancelEvent)
			r.Get("/arrangementer/{id}/melding", s.eventMessagePage)
			r.Post("/arrangementer/{id}/melding", s.sendEventMessage)

			// Matching: the matcher proposes, staff send the offers they choose.
			r.Get("/matching", s.matchingPage)
			r.Post("/matching/tilbud", s.sendOffers)
			r.Get("/tilbud", s.offersPage)
			r.Post("/tilbud/{id}/frist", s.extendOffer)
			r.Post("/tilbud/{id}/trekk", s.withdrawOffer)
			r.Post("/tilbud/{id}/svar", s.recordPhoneAnswer)
			r.Get("/ringeliste", s.callListPage)
			r.Post("/ringeliste/{id}", s.recordCall)

			// Waiting list and participants (every view of a participant is audited).
			r.Get("/venteliste", s.waitingList)
			r.Get("/sok", s.search)
			r.Get("/venteliste/eksport.csv", s.exportWaiting("csv"))
			r.Get("/venteliste/eksport.xlsx", s.exportWaiting("xlsx"))
			r.Get("/venteliste/import", s.importPage)
			r.Post("/venteliste/import", s.uploadImport)
			r.Get("/venteliste/import/{id}", s.importPreview)
			r.Post("/venteliste/import/{id}/kolonner", s.saveImportMapping)
			r.Post("/venteliste/import/{id}/importer", s.runImport)
			r.Get("/venteliste/importerte", s.unconfirmedPage)
			r.Post("/deltakere/{id}/samtykke", s.confirmConsent)
			r.Get("/deltakere/{id}", s.participant)
			r.Post("/deltakere/{id}/kontakt", s.updateContact)
			r.Post("/deltakere/{id}/notat", s.saveStaffNote)
			r.Post("/deltakere/{id}/pameldinger/{sid}/trekk", s.withdrawSignup)
			r.Get("/deltakere/ny", s.newCallerPage)
			r.Post("/deltakere/ny", s.signUpCaller)
			r.Get("/deltakere/{id}/meld-pa", s.addSignupPage)
			r.Post("/deltakere/{id}/meld-pa", s.addSignup)
			r.Post("/deltakere/{id}/plasser", s.placeParticipant)
			r.Post("/deltakere/{id}/slett", s.deleteParticipant)
			r.Post("/deltakere/{id}/sms", s.setParticipantSMS)
			r.Post("/medlemskap/{id}/slutt", s.markLeft)

			// Admins only: users, settings and the audit log.
			r.Group(func(r chi.Router) {
				r.Use(s.requireRole(auth.Admin))
				r.Get("/brukere", s.users)
				r.Get("/brukere/{id}", s.user)
				r.Post("/brukere/{id}/rolle", s.userAction("users.role.saved", s.changeRole))
				r.Post("/brukere/{id}/deaktiver", s.userAction("users.disabled", s.setDisabled(true)))
				r.Post("/brukere/{id}/aktiver", s.userAction("users.enabled", s.setDisabled(false)))
				r.Post("/brukere/{id}/tofaktor", s.userAction("users.twofactor.wasReset", s.resetTwoFactor))
				r.Post("/brukere/{id}/invitasjon", s.userAction("invite.sent", s.resendInvitation))
				r.Get("/innstillinger", s.settingsPage)
				r.Post("/innstillinger", s.settings)
				r.Post("/innstillinger/kontakt", s.saveContact)
				// The rooms of the house: add, change, retire and bring back.
				r.Get("/innstillinger/rom", s.roomsAdmin)
				r.Get("/innstillinger/rom/ny", s.newRoomPage)
				r.Post("/innstillinger/rom/ny", s.saveRoom)
				r.Get("/innstillinger/rom/{id}", s.editRoomPage)
				r.Post("/innstillinger/rom/{id}", s.saveRoom)
				r.Get("/innstillinger/rom/{id}/avvikle", s.retireRoomPage)
				r.Post("/innstillinger/rom/{id}/avvikle", s.retireRoom)
				r.Post("/innstillinger/rom/{id}/ta-i-bruk", s.restoreRoom)
				r.Get("/logg", s.auditLog)
			})
		})

		// Partner organisations: every query is scoped to the user's own organisation.
		r.Route("/partner", func(r chi.Router) {
			r.Use(s.requireLogin, s.requireRole(auth.Partner))
			r.Get("/", s.partnerHome)
			s.requesterRoutes(r, "/rom", s.partnerRequester)
			r.Get("/lisenser", s.partnerLicences)
			r.Get("/lisenser/ny", s.partnerLoanRequestPage)
			r.Post("/lisenser/ny", s.requestLoan(false))
			r.Post("/lisenser/foresporsler/{id}/trekk", s.partnerWithdrawLoan)
			r.Get("/lisenser/lan/{id}", s.partnerLoan)
			r.Post("/lisenser/lan/{id}/vis", s.partnerReveal)
		})
	})
	return r
}

// requesterRoutes are the room pages of a requester under base: their schedule, the request
// form, their requests, and asking to cancel or withdrawing.
func (s *Server) requesterRoutes(r chi.Router, base string, find requesterFunc) {
	r.Get(base, s.roomSchedule(find))
	r.Get(base+"/ny", s.roomRequestPage(find))
	r.Post(base+"/ny", s.requestRoom(find))
	r.Get(base+"/foresporsler", s.roomRequestList(find))
	r.Post(base+"/avlys", s.requestCancel(find))
	r.Post(base+"/foresporsler/{id}/trekk", s.withdrawRequest(find))
}
