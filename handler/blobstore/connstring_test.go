package blobstore

import "testing"

func TestParseConnectionString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, account, url string
		wantErr                bool
	}{
		{"development storage", "UseDevelopmentStorage=true", devAccount,
			"http://127.0.0.1:10000/devstoreaccount1", false},
		{"Azurite with its own port", "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
			"AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10100/devstoreaccount1;",
			devAccount, "http://127.0.0.1:10100/devstoreaccount1/", false},
		{"Azure account", "DefaultEndpointsProtocol=https;AccountName=stdocs;AccountKey=a2V5;" +
			"EndpointSuffix=core.windows.net", "stdocs", "https://stdocs.blob.core.windows.net/",
			false},
		{"no key", "AccountName=stdocs", "", "", true},
		{"empty", "", "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cs, err := parseConnectionString(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err == nil && (cs.account != tc.account || cs.blobURL != tc.url) {
				t.Errorf("got %s %s, want %s %s", cs.account, cs.blobURL, tc.account, tc.url)
			}
		})
	}
}
