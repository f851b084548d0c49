package azure

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"time"
)

// Lifetimes of the catalogs kept across runs (README: "Speed on the real
// sign-in path"). They change slowly: Azure adds regions a few times a
// year, AKS versions and VM SKUs every few weeks; quota (usages) changes
// with every cluster and is never kept.
const (
	RegionsLifetime  = 24 * time.Hour
	VersionsLifetime = 6 * time.Hour
	SKUsLifetime     = 6 * time.Hour
)

// catalogDisk keeps slow-changing catalogs across runs, one 0600 file per
// cloud, subscription and catalog under <cache dir>/catalog.
type catalogDisk struct {
	dir     string
	cloud   string // the Resource Manager endpoint
	refresh bool   // --refresh: read nothing, write what was fetched
}

type catalogFile struct {
	Key  string          `json:"key"`
	At   time.Time       `json:"at"`
	Data json.RawMessage `json:"data"`
}

func (d *catalogDisk) path(key string) (string, string) {
	full := d.cloud + "|" + key
	sum := sha256.Sum256([]byte(full))
	return filepath.Join(d.dir, hex.EncodeToString(sum[:16])+".json"), full
}

// get fills v with the catalog of key when it is younger than ttl.
func (d *catalogDisk) get(key string, ttl time.Duration, v any) bool {
	if d == nil || d.refresh {
		return false
	}
	p, full := d.path(key)
	b, err := os.ReadFile(p)
	if err != nil {
		return false
	}
	var f catalogFile
	if json.Unmarshal(b, &f) != nil || f.Key != full || time.Since(f.At) > ttl || time.Since(f.At) < -time.Minute {
		return false
	}
	return json.Unmarshal(f.Data, v) == nil
}

// put keeps v as the catalog of key; failures are ignored.
func (d *catalogDisk) put(key string, v any) {
	if d == nil {
		return
	}
	data, err := json.Marshal(v)
	if err != nil {
		return
	}
	p, full := d.path(key)
	b, err := json.Marshal(catalogFile{Key: full, At: time.Now().UTC(), Data: data})
	if err != nil {
		return
	}
	writePrivate(p, b)
}
