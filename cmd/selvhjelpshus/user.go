package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/orgs"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

const userUsage = "usage: selvhjelpshus user create --email E --name N --role admin|staff|partner [--org NAME] [--password-stdin]"

// userCmd creates accounts from the command line; it is how the first admin is made.
// The password is read from stdin with --password-stdin, or generated and printed once.
func userCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New(userUsage)
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(stdout)
	email := fs.String("email", "", "e-mail address (the login)")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "", "admin, staff or partner")
	org := fs.String("org", "", "organisation name (partners only)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	password, generated, err := readPassword(stdin, *fromStdin)
	if err != nil {
		return err
	}
	pool, err := openMigrated(ctx, getenv)
	if err != nil {
		return err
	}
	defer pool.Close()
	n := auth.NewUser{Email: *email, Name: *name, Role: auth.Role(*role), Password: password}
	if n.Role == auth.Partner && *org != "" {
		o, err := orgs.NewStore(pool).GetByName(ctx, *org)
		if err != nil {
			return fmt.Errorf("no organisation named %q", *org)
		}
		n.OrgID = o.ID
	}
	_, err = auth.NewStore(pool).Register(ctx, n, audit.Actor{Label: "cli"})
	var errs validate.Errors
	switch {
	case errors.As(err, &errs):
		return errors.New(describe(errs))
	case errors.Is(err, postgres.ErrConflict):
		return fmt.Errorf("a user with the address %s exists already", *email)
	case err != nil:
		return err
	}
	fmt.Fprintf(stdout, "created %s (%s)\n", *email, *role)
	if generated {
		fmt.Fprintf(stdout, "password (shown once): %s\n", password)
	}
	return nil
}

func readPassword(stdin io.Reader, fromStdin bool) (string, bool, error) {
	if !fromStdin {
		b := make([]byte, 15)
		_, _ = rand.Read(b)
		p := strings.ToLower(base32.StdEncoding.EncodeToString(b)) // 24 characters, 120 bits
		return p[:6] + "-" + p[6:12] + "-" + p[12:18] + "-" + p[18:], true, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", false, errors.New("--password-stdin: stdin held no password")
	}
	return line, false, nil
}

// describe turns validation errors into one English line for the terminal.
func describe(errs validate.Errors) string {
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.Field + ": " + i18n.Translate(i18n.EN, e.Msg, e.Args...)
	}
	return strings.Join(parts, "; ")
}
