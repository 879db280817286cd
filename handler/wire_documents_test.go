package main

import (
	"strings"
	"testing"
	"time"
)

func TestLoadDocumentsConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		bad  string
		want func(DocumentsConfig) bool
	}{
		{"defaults with Azurite", map[string]string{"PT_ENVIRONMENT": "development",
			"DocumentsStorage": "UseDevelopmentStorage=true"}, "",
			func(c DocumentsConfig) bool {
				return c.MaxUploadBytes == 25<<20 && c.UploadURLTTL == 10*time.Minute &&
					c.DownloadURLTTL == 90*time.Second && !c.MalwareScanning &&
					c.DailyUploadQuota == 500
			}},
		{"managed identity", map[string]string{
			"DocumentsStorage__blobServiceUri": "https://stdocs.blob.core.windows.net",
			"DocumentsStorage__credential":     "managedidentity",
			"DocumentsStorage__clientId":       "0000", "PT_MALWARE_SCANNING": "true",
			"PT_MAX_UPLOAD_BYTES": "1048576"}, "",
			func(c DocumentsConfig) bool {
				return c.StorageServiceURL != "" && c.StorageCredential == "managedidentity" &&
					c.MalwareScanning && c.MaxUploadBytes == 1<<20
			}},
		{"storage required in production", map[string]string{}, "DocumentsStorage", nil},
		{"not both", map[string]string{"DocumentsStorage": "UseDevelopmentStorage=true",
			"DocumentsStorage__blobServiceUri": "https://x.blob.core.windows.net"},
			"DocumentsStorage", nil},
		{"over the host's limit", map[string]string{"PT_ENVIRONMENT": "test",
			"PT_MAX_UPLOAD_BYTES": "104857601"}, "PT_MAX_UPLOAD_BYTES", nil},
		{"read SAS too long", map[string]string{"PT_ENVIRONMENT": "test",
			"PT_DOWNLOAD_SAS_SECONDS": "3600"}, "PT_DOWNLOAD_SAS_SECONDS", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var bad []string
			c := loadDocumentsConfig(func(k string) string { return tc.env[k] },
				func(name, why string) { bad = append(bad, name+": "+why) })
			if tc.bad != "" {
				if len(bad) == 0 || !strings.HasPrefix(bad[0], tc.bad) {
					t.Errorf("bad settings %v, want %s", bad, tc.bad)
				}
				return
			}
			if len(bad) > 0 || !tc.want(c) {
				t.Errorf("config %+v, bad %v", c, bad)
			}
		})
	}
}
