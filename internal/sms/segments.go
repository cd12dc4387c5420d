package sms

import "strings"

// The encodings a text is sent in.
const (
	GSM7 = "GSM-7"
	UCS2 = "UCS-2"
)

// gsmBasic is the GSM 03.38 basic character set (one septet each); gsmExtension the characters
// of its extension table, which take an escape and so two septets.
const (
	gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExtension = "\f^{}\\[~]|€"
)

// Segments tells how many SMS segments text takes and in which encoding. A text of only GSM-7
// characters (each of the extension table counting twice) fits 160 septets in one SMS, else
// 153 per segment; any other character makes the whole text UCS-2: 70 UTF-16 units in one
// SMS, else 67 per segment. An empty text takes no segment.
func Segments(text string) (n int, encoding string) {
	septets, gsm := 0, true
	units := 0
	for _, r := range text {
		switch {
		case strings.ContainsRune(gsmBasic, r):
			septets++
		case strings.ContainsRune(gsmExtension, r):
			septets += 2
		default:
			gsm = false
		}
		if r > 0xFFFF {
			units += 2 // a surrogate pair
		} else {
			units++
		}
	}
	if gsm {
		return parts(septets, 160, 153), GSM7
	}
	return parts(units, 70, 67), UCS2
}

func parts(length, single, per int) int {
	switch {
	case length == 0:
		return 0
	case length <= single:
		return 1
	}
	return (length + per - 1) / per
}
