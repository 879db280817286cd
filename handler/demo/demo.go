// Package demo generates the demo clinic that `make run` loads: a few hundred synthetic
// patients with visits over the last two years, and the four dev staff members the dev
// host signs in as. The same seed and reference date always give the same clinic. Every
// name is made up from lists below; none is a real record.
package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"patienttracker/handler/patient"
	"patienttracker/handler/visit"
)

// DevStaff are the dev users: provider "dev", the user ids the dev host offers.
var DevStaff = []struct{ UserID, Email, Name, Role string }{
	{"dev-admin", "admin@clinic.test", "Dana Admin", "admin"},
	{"dev-clinician", "clinician@clinic.test", "Dr Chris Okafor", "clinician"},
	{"dev-frontdesk", "frontdesk@clinic.test", "Frankie Dubois", "frontdesk"},
	{"dev-analyst", "analyst@clinic.test", "Alex Lindqvist", "analyst"},
}

var givenNames = []string{
	"Zoë", "José", "Siobhán", "Jean-Luc", "Łukasz", "Ana María", "Björn", "Chloé", "Dmitri",
	"Élodie", "Farida", "Gráinne", "Hana", "Ines", "Jürgen", "Kwame", "Leïla", "Mateus",
	"Nguyễn Thị", "Oisín", "Paulo", "Renée", "Søren", "Tomás", "Ulla", "Valentín", "Wiremu",
	"Xóchitl", "Yusuf", "Zofia", "Amélie", "Bartholomew", "Cátia", "D'Arcy", "Efua",
	"François", "Giulia", "Hélène", "Ivan", "Joaquín", "Kateřina", "Lars", "Mei-Ling",
	"Noémie", "Olumide", "Priya", "Quentin", "Raúl", "Saoirse", "Thérèse", "Umar", "Verónica",
}

var familyNames = []string{
	"O'Brien-Dunne", "Godínez-Núñez", "de la Cruz", "Müller", "Nowak", "García Márquez",
	"Ó Súilleabháin", "Nguyễn", "Kowalczyk", "Lefèvre", "D'Angelo", "Andersson", "Okafor",
	"Smith-Jones", "MacDonald", "van der Berg", "Dubois", "Fernández", "Jørgensen", "Kim",
	"Papadopoulos", "Rossi", "Sørensen", "Traoré", "Ünal", "Vásquez", "Whitehead",
	"Yılmaz", "Zieliński", "Al-Farsi", "Bianchi", "Castillo", "Đorđević", "Eriksson",
	"Fitzgerald", "Gonçalves", "Horváth", "Ibáñez", "Janssen", "Kovačević", "Lindqvist",
	"Martínez", "N'Diaye", "O'Neill", "Peña", "Quiñones", "Řezníček", "Schröder", "Tanaka",
}

var reasons = []struct{ Text, Code string }{
	{"Annual check-up", "Z00.0"}, {"Follow-up visit", "Z09"}, {"Vaccination", "Z23"},
	{"Sore throat", "J02.9"}, {"Back pain", "M54.9"}, {"Hypertension review", "I10"},
	{"Diabetes review", "E11.9"}, {"Skin rash", "R21"}, {"Headache", "R51"},
	{"Prenatal visit", "Z34.9"}, {"Medication review", "Z51.81"}, {"Ear pain", "H92.09"},
}

var cities = []struct{ City, Region, Postal string }{
	{"Boston", "MA", "02155"}, {"Cambridge", "MA", "02139"}, {"Worcester", "MA", "01608"},
	{"Springfield", "MA", "01103"}, {"Lowell", "MA", "01852"}, {"Quincy", "MA", ""},
}

var streets = []string{"Elm Street", "Main Street", "Rue des Écoles", "Oak Avenue",
	"Chestnut Hill Road", "Harbour View", "Maple Lane"}

// Patient is a generated patient with its visits.
type Patient struct {
	Patient patient.Patient
	Visits  []visit.Visit
}

// Generate returns n patients with visits over the two years before today, from seed.
func Generate(seed uint64, n int, today time.Time) []Patient {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]Patient, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, generatePatient(rng, today))
	}
	return out
}

func generatePatient(rng *rand.Rand, today time.Time) Patient {
	given := givenNames[rng.IntN(len(givenNames))]
	family := familyNames[rng.IntN(len(familyNames))]
	age := rng.IntN(90)
	birth := today.AddDate(-age, 0, -rng.IntN(365))
	sexes := []patient.Sex{patient.SexFemale, patient.SexMale, patient.SexFemale,
		patient.SexMale, patient.SexOther, patient.SexUnknown}
	c := cities[rng.IntN(len(cities))]
	p := patient.Patient{
		GivenNames: given, FamilyName: family, BirthDate: patient.DateOf(birth),
		Sex:   sexes[rng.IntN(len(sexes))],
		Phone: fmt.Sprintf("+1 617 555 %04d", rng.IntN(10000)),
		Email: fmt.Sprintf("patient%05d@example.test", rng.IntN(100000)),
		Address: &patient.Address{Lines: []string{fmt.Sprintf("%d %s", 1+rng.IntN(200),
			streets[rng.IntN(len(streets))])}, City: c.City, Region: c.Region,
			PostalCode: c.Postal, Country: "US"},
		PreferredLanguage: []string{"en", "es", "fr", "pt", "vi"}[rng.IntN(5)],
		Identifiers:       []patient.Identifier{},
	}
	return Patient{Patient: p, Visits: generateVisits(rng, today, birth)}
}

func generateVisits(rng *rand.Rand, today, birth time.Time) []visit.Visit {
	n := rng.IntN(9)
	out := make([]visit.Visit, 0, n)
	for j := 0; j < n; j++ {
		// Visits fall in clinic hours over the last two years, a few in the coming weeks.
		day := today.AddDate(0, 0, -rng.IntN(730)+rng.IntN(30)-10)
		start := time.Date(day.Year(), day.Month(), day.Day(), 8+rng.IntN(9),
			[]int{0, 15, 30, 45}[rng.IntN(4)], 0, 0, time.UTC)
		if start.Before(birth) {
			continue
		}
		end := start.Add(time.Duration(15+15*rng.IntN(3)) * time.Minute)
		r := reasons[rng.IntN(len(reasons))]
		status := visit.Finished
		switch {
		case start.After(today):
			status = visit.Planned
		case rng.IntN(12) == 0:
			status = visit.Cancelled
		}
		notes := "Seen in clinic. Plan discussed with the patient."
		out = append(out, visit.Visit{Start: start, End: &end, Status: status,
			Reason: r.Text, ReasonCode: r.Code, Notes: &notes})
	}
	return out
}

// RandomName draws a given and a family name from the demo lists.
func RandomName(rng *rand.Rand) (string, string) {
	return givenNames[rng.IntN(len(givenNames))], familyNames[rng.IntN(len(familyNames))]
}
