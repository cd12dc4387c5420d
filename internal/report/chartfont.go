package report

// interAdvance is the advance width of each character of Inter (regular, the app's font, as
// vendored in web/static/vendor/inter) in thousandths of an em, measured in Chromium with
// canvas measureText at 1000 px and rounded up. A character not listed counts as a full em,
// wider than any Inter letter, so a label is never measured short.
var interAdvance = map[rune]int{
	' ': 282, '!': 288, '"': 466, '#': 634, '$': 642, '%': 982, '&': 645, '\'': 300, '(': 365, ')': 365,
	'*': 501, '+': 662, ',': 289, '-': 460, '.': 289, '/': 361, '0': 631, '1': 407, '2': 610, '3': 618,
	'4': 646, '5': 594, '6': 621, '7': 566, '8': 619, '9': 621, ':': 289, ';': 302, '<': 662, '=': 662,
	'>': 662, '?': 512, '@': 966, 'A': 690, 'B': 655, 'C': 731, 'D': 722, 'E': 602, 'F': 591, 'G': 747,
	'H': 744, 'I': 269, 'J': 571, 'K': 672, 'L': 566, 'M': 904, 'N': 754, 'O': 765, 'P': 639, 'Q': 765,
	'R': 644, 'S': 642, 'T': 646, 'U': 745, 'V': 690, 'W': 986, 'X': 683, 'Y': 679, 'Z': 629, '[': 365,
	'\\': 361, ']': 365, '^': 472, '_': 457, '`': 323, 'a': 562, 'b': 613, 'c': 572, 'd': 613, 'e': 584,
	'f': 371, 'g': 614, 'h': 592, 'i': 243, 'j': 243, 'k': 549, 'l': 243, 'm': 876, 'n': 591, 'o': 600,
	'p': 613, 'q': 613, 'r': 377, 's': 528, 't': 328, 'u': 592, 'v': 563, 'w': 819, 'x': 546, 'y': 563,
	'z': 553, '{': 427, '|': 333, '}': 427, '~': 662, 'Æ': 994, 'Ø': 765, 'Å': 690, 'æ': 918, 'ø': 600,
	'å': 562, 'É': 602, 'é': 584, 'è': 584, 'È': 602, 'Ü': 745, 'ü': 592, 'Ö': 765, 'ö': 600, 'Ä': 690,
	'ä': 562, 'Ó': 765, 'ó': 600, 'Á': 690, 'á': 562, 'Í': 269, 'í': 243, 'Ú': 745, 'ú': 592, 'Ñ': 754,
	'ñ': 591, 'Ç': 731, 'ç': 572, 'ß': 617, '–': 500, '—': 1000, '‘': 261, '’': 261, '“': 441, '”': 441,
	'«': 583, '»': 583, '…': 865, '·': 289, '€': 667, '\u00a0': 282, '\u202f': 141, '−': 662,
}

// textWidth is the width of s set in Inter at size (in the SVG's units), with a tenth more
// for a fallback font that is wider than Inter, should Inter not load.
func textWidth(s string, size float64) float64 {
	em := 0
	for _, r := range s {
		w, ok := interAdvance[r]
		if !ok {
			w = 1000
		}
		em += w
	}
	return float64(em) / 1000 * size * 1.1
}
