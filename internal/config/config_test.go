package config

import (
	"encoding/base64"
	"strings"
	"testing"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

var strongKey = base64.StdEncoding.EncodeToString([]byte("0123456789abcdefghijklmnopqrstuvwxyzABCD"))

func TestLoadDefaultsInDevelopment(t *testing.T) {
	t.Parallel()
	c, err := Load(env(map[string]string{"DATABASE_URL": "postgres://x/y"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.Env != Development || c.BaseURL.String() != "http://127.0.0.1:8080" {
		t.Errorf("defaults: addr %q env %q base %q", c.Addr, c.Env, c.BaseURL)
	}
	if !c.SecretGenerated || len(c.Secret) != MinSecretBytes {
		t.Errorf("development without SECRET_KEY must generate one: generated=%v len=%d", c.SecretGenerated, len(c.Secret))
	}
	if c.SMSURL != nil {
		t.Errorf("SMS URL %v without SMS_URL", c.SMSURL)
	}
	if c.SMTPURL != nil || c.RetentionMonths != 12 || c.LogLevel.String() != "INFO" {
		t.Errorf("smtp %v retention %d level %v", c.SMTPURL, c.RetentionMonths, c.LogLevel)
	}
}

func TestLoadProduction(t *testing.T) {
	t.Parallel()
	ok := map[string]string{
		"DATABASE_URL": "postgres://x/y", "APP_ENV": "production", "BASE_URL": "https://selvhjelp.example/",
		"SECRET_KEY": strongKey, "SMTP_URL": "smtp://u:p@mail.example:587", "LOG_LEVEL": "debug",
		"SECRET_KEY_PREVIOUS": " " + strongKey + " ,",
		"SMS_URL":             "https://api.twilio.com", "SMS_ACCOUNT_SID": "AC0123", "SMS_AUTH_TOKEN": "token", "SMS_FROM": "Selvhjelp",
	}
	c, err := Load(env(ok))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Production() || c.SecretGenerated || c.BaseURL.String() != "https://selvhjelp.example" || c.SMTPURL.Host != "mail.example:587" ||
		c.LoanMaxMonths != 6 || len(c.PreviousSecrets) != 1 || c.SMSURL.Host != "api.twilio.com" ||
		c.SMSAccountSID != "AC0123" || c.SMSAuthToken != "token" || c.SMSFrom != "Selvhjelp" {
		t.Errorf("production config: %+v", c)
	}
}

func TestLoadRefuses(t *testing.T) {
	t.Parallel()
	prod := func(change map[string]string) map[string]string {
		m := map[string]string{"DATABASE_URL": "postgres://x/y", "APP_ENV": "production",
			"BASE_URL": "https://selvhjelp.example", "SECRET_KEY": strongKey}
		for k, v := range change {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no database", map[string]string{}, "DATABASE_URL"},
		{"unknown env", map[string]string{"DATABASE_URL": "x", "APP_ENV": "staging"}, "APP_ENV"},
		{"bad addr", map[string]string{"DATABASE_URL": "x", "ADDR": "8080"}, "ADDR"},
		{"secret missing in production", prod(map[string]string{"SECRET_KEY": ""}), "SECRET_KEY is required"},
		{"secret short", prod(map[string]string{"SECRET_KEY": base64.StdEncoding.EncodeToString([]byte("short"))}), "too weak"},
		{"secret repetitive", prod(map[string]string{"SECRET_KEY": base64.StdEncoding.EncodeToString(make([]byte, 48))}), "too weak"},
		{"secret not base64", prod(map[string]string{"SECRET_KEY": "not base64 at all!"}), "base64"},
		{"http base url in production", prod(map[string]string{"BASE_URL": "http://selvhjelp.example"}), "https"},
		{"base url missing in production", prod(map[string]string{"BASE_URL": ""}), "BASE_URL is required"},
		{"relative base url", map[string]string{"DATABASE_URL": "x", "BASE_URL": "/app"}, "BASE_URL"},
		{"smtp scheme", map[string]string{"DATABASE_URL": "x", "SMTP_URL": "http://mail"}, "SMTP_URL"},
		{"sms scheme", map[string]string{"DATABASE_URL": "x", "SMS_URL": "smtp://api.twilio.com"}, "SMS_URL"},
		{"sms with a path", map[string]string{"DATABASE_URL": "x", "SMS_URL": "https://api.twilio.com/2010-04-01"}, "SMS_URL"},
		{"sms http in production", prod(map[string]string{"SMS_URL": "http://api.twilio.com"}), "SMS_URL must be https"},
		{"sms without account", map[string]string{"DATABASE_URL": "x", "SMS_URL": "https://api.twilio.com", "SMS_AUTH_TOKEN": "t", "SMS_FROM": "+4740000000"}, "SMS_ACCOUNT_SID"},
		{"sms without token", map[string]string{"DATABASE_URL": "x", "SMS_URL": "https://api.twilio.com", "SMS_ACCOUNT_SID": "AC1", "SMS_FROM": "+4740000000"}, "SMS_AUTH_TOKEN"},
		{"sms without sender", map[string]string{"DATABASE_URL": "x", "SMS_URL": "https://api.twilio.com", "SMS_ACCOUNT_SID": "AC1", "SMS_AUTH_TOKEN": "t"}, "SMS_FROM"},
		{"log level", map[string]string{"DATABASE_URL": "x", "LOG_LEVEL": "loud"}, "LOG_LEVEL"},
		{"retention", map[string]string{"DATABASE_URL": "x", "RETENTION_MONTHS": "0"}, "RETENTION_MONTHS"},
		{"loan months", map[string]string{"DATABASE_URL": "x", "LOAN_MAX_MONTHS": "seks"}, "LOAN_MAX_MONTHS"},
		{"admin addr not host:port", map[string]string{"DATABASE_URL": "x", "ADMIN_ADDR": "9090"}, "ADMIN_ADDR must be host:port"},
		{"admin addr on all interfaces", map[string]string{"DATABASE_URL": "x", "ADMIN_ADDR": ":9090"}, "ADMIN_ADDR must be on loopback"},
		{"admin addr on a public ip", map[string]string{"DATABASE_URL": "x", "ADMIN_ADDR": "192.0.2.10:9090"}, "ADMIN_ADDR must be on loopback"},
		{"admin addr on a hostname", map[string]string{"DATABASE_URL": "x", "ADMIN_ADDR": "admin.example:9090"}, "ADMIN_ADDR must be on loopback"},
		{"admin addr is addr", map[string]string{"DATABASE_URL": "x", "ADDR": "127.0.0.1:8080", "ADMIN_ADDR": "127.0.0.1:8080"}, "ADMIN_ADDR must differ from ADDR"},
		{"admin addr is default addr", map[string]string{"DATABASE_URL": "x", "ADMIN_ADDR": "localhost:8080"}, "ADMIN_ADDR must differ from ADDR"},
		{"admin addr within wildcard addr", map[string]string{"DATABASE_URL": "x", "ADDR": ":9090", "ADMIN_ADDR": "[::1]:9090"}, "ADMIN_ADDR must differ from ADDR"},
		{"previous secret weak", map[string]string{"DATABASE_URL": "x", "SECRET_KEY_PREVIOUS": strongKey + ",c2hvcnQ="}, "SECRET_KEY_PREVIOUS, key 2: is too weak"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(env(tc.env))
			if err == nil {
				t.Fatalf("Load accepted %v", tc.env)
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q should be one line mentioning %q", err, tc.want)
			}
		})
	}
}

func TestLoadAdminAddr(t *testing.T) {
	t.Parallel()
	c, err := Load(env(map[string]string{"DATABASE_URL": "x"}))
	if err != nil || c.AdminAddr != "" {
		t.Fatalf("by default there is no admin listener: %q, %v", c.AdminAddr, err)
	}
	for _, tc := range []struct{ addr, admin string }{
		{"127.0.0.1:8080", "127.0.0.1:9090"},
		{"127.0.0.1:8080", " [::1]:9090 "},
		{"127.0.0.1:8080", "localhost:9090"},
		{"127.0.0.2:8080", "127.0.0.1:8080"}, // the same port on a host ADDR does not listen on
		{"0.0.0.0:8080", "127.0.0.1:9090"},
		{"127.0.0.1:0", "127.0.0.1:0"}, // two free ports, as in tests
	} {
		c, err := Load(env(map[string]string{"DATABASE_URL": "x", "ADDR": tc.addr, "ADMIN_ADDR": tc.admin}))
		if err != nil {
			t.Errorf("ADDR %q ADMIN_ADDR %q: %v", tc.addr, tc.admin, err)
		} else if c.AdminAddr != strings.TrimSpace(tc.admin) {
			t.Errorf("ADMIN_ADDR %q read as %q", tc.admin, c.AdminAddr)
		}
	}
}
