module patienttracker

go 1.26
