package azure

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"sync"
	"time"

	"github.com/amlaks/amlaks/wizard/files"
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
	note    func(string)
	notOnce sync.Once
}

// maxCatalogFile caps what is read of a kept catalog (the SKUs of a
// region, the largest, are a few hundred KB).
const maxCatalogFile = 16 << 20

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
	ctx, cancel := context.WithTimeout(context.Background(), diskTimeout)
	defer cancel()
	b, err := files.ReadPrivate(ctx, p, maxCatalogFile)
	if files.Untrusted(err) {
		setAside(p, "kept catalog", err, d.note)
		return false
	}
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
	if err := privateDirs(d.dir); err != nil {
		d.notOnce.Do(func() {
			if d.note != nil {
				d.note("catalogs are not kept across runs: " + err.Error())
			}
		})
		return
	}
	writePrivate(p, b)
}
