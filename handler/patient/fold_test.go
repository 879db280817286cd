package patient

import "testing"

func TestFold(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, fold, compact string
	}{
		{"NFC accents", "Zoë Godínez-Núñez", "zoe godinez nunez", "zoegodineznunez"},
		{"NFD accents", "Zoe\u0308 Godi\u0301nez-Nu\u0301n\u0303ez", "zoe godinez nunez",
			"zoegodineznunez"},
		{"ASCII apostrophe", "O'Brien", "obrien", "obrien"},
		{"U+2019 apostrophe", "O\u2019Brien", "obrien", "obrien"},
		{"U+02BC modifier apostrophe", "O\u02bcBrien", "obrien", "obrien"},
		{"hyphen", "Smith-Jones", "smith jones", "smithjones"},
		{"non-breaking hyphen", "Smith\u2011Jones", "smith jones", "smithjones"},
		{"particles", "Jean-Luc de la Cruz", "jean luc de la cruz", "jeanlucdelacruz"},
		{"case", "GODÍNEZ", "godinez", "godinez"},
		{"letters without marks", "Łukasz Øster Straße", "lukasz oster strasse",
			"lukaszosterstrasse"},
		{"Vietnamese", "Nguyễn Văn A", "nguyen van a", "nguyenvana"},
		{"Han kept", "李小龍", "李小龍", "李小龍"},
		{"full width", "ＺＯＥ", "zoe", "zoe"},
		{"punctuation only", "'", "", ""},
		{"LIKE characters", `%_\`, "", ""},
		{"spaces collapse", "  Ann   Lee  ", "ann lee", "annlee"},
		{"digits kept", "Maynard46 Mosciski958", "maynard46 mosciski958",
			"maynard46mosciski958"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Fold(tt.in); got != tt.fold {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.fold)
			}
			if got := Compact(tt.in); got != tt.compact {
				t.Errorf("Compact(%q) = %q, want %q", tt.in, got, tt.compact)
			}
		})
	}
}

func TestFold_SameForNFCAndNFD(t *testing.T) {
	t.Parallel()
	pairs := [][2]string{
		{"Siobhán", "Siobha\u0301n"}, {"Zoë", "Zoe\u0308"}, {"Ñúñez", "N\u0303u\u0301n\u0303ez"},
		{"Nguyễn", "Nguye\u0302\u0303n"},
	}
	for _, p := range pairs {
		if Fold(p[0]) != Fold(p[1]) || Compact(p[0]) != Compact(p[1]) {
			t.Errorf("Fold differs for NFC %q and NFD %q: %q vs %q", p[0], p[1],
				Fold(p[0]), Fold(p[1]))
		}
	}
}

func TestSortName(t *testing.T) {
	t.Parallel()
	if got, want := SortName("Zoë", "Godínez-Núñez"), "godinez nunez zoe"; got != want {
		t.Errorf("SortName = %q, want %q", got, want)
	}
}
