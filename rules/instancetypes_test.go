package rules

import (
	"strings"
	"testing"
)

func shape(pool string, count, vcpus int, memGiB float64, gpus int, taints ...string) NodeShape {
	cpu, mem := AllocatableFor(vcpus, memGiB, 30)
	return NodeShape{Pool: pool, Count: count, CPU: cpu, Memory: mem, GPUs: gpus, Taints: taints}
}

func TestProposeInstanceTypes(t *testing.T) {
	names := func(ts []InstanceType) string {
		var s []string
		for _, x := range ts {
			s = append(s, x.Name)
		}
		return strings.Join(s, ",")
	}
	cases := []struct {
		name  string
		pools []NodeShape
		want  string
	}{
		{"4 vCPU nodes hold the MLflow type", []NodeShape{shape("system", 3, 4, 16, 0)}, "cpu-small,cpu-mlflow"},
		{"2 vCPU nodes cannot", []NodeShape{shape("system", 1, 2, 8, 0)}, "cpu-small"},
		{"a GPU pool gets its type", []NodeShape{shape("system", 3, 4, 16, 0), shape("gpu", 1, 6, 112, 1, "sku=gpu:NoSchedule")}, "cpu-small,cpu-mlflow,gpu-gpu"},
		{"GPU nodes only", []NodeShape{shape("nodepool1", 3, 6, 112, 1)}, "cpu-gpu-less"},
	}
	cases[3].want = "cpu-small,cpu-mlflow,gpu-nodepool1"
	for _, c := range cases {
		got := ProposeInstanceTypes(c.pools)
		if names(got) != c.want {
			t.Errorf("%s: %s, want %s", c.name, names(got), c.want)
		}
		for _, ty := range got {
			fits := false
			for _, n := range c.pools {
				fits = fits || ty.FitPerNode(n) > 0
			}
			if !fits {
				t.Errorf("%s: %s fits no node", c.name, ty.Name)
			}
			if ty.GPUs > 0 && ty.Pool == "" {
				t.Errorf("%s: GPU type %s is not pinned to its pool", c.name, ty.Name)
			}
		}
	}
}

func TestFitPerNode(t *testing.T) {
	n := shape("system", 3, 4, 16, 0) // 3860m, 15284Mi
	ml := InstanceType{Name: "m", CPU: 2000, Memory: 4096, LimitCPU: 2000, LimitMemory: 4096}
	if got := ml.FitPerNode(n); got != 1 {
		t.Errorf("MLflow on 4 vCPU: %d", got)
	}
	small := InstanceType{Name: "s", CPU: 500, Memory: 1024, LimitCPU: 1000, LimitMemory: 2048}
	if got := small.FitPerNode(n); got != 6 {
		t.Errorf("small on 4 vCPU: %d", got)
	}
	if got := small.FitPerNode(shape("gpu", 1, 6, 112, 1, "sku=gpu:NoSchedule")); got != 0 {
		t.Errorf("an unpinned type on a tainted pool: %d", got)
	}
	_, vs := FitsNodes([]InstanceType{{Name: "huge", CPU: 64000, Memory: 1024, LimitCPU: 64000, LimitMemory: 1024}}, []NodeShape{n})
	if len(vs) != 1 || !strings.Contains(vs[0].Message, "fits no node") {
		t.Errorf("huge: %v", vs)
	}
	got, vs := FitsNodes([]InstanceType{{Name: "g", CPU: 1000, Memory: 4096, LimitCPU: 1000, LimitMemory: 4096, GPUs: 1}}, []NodeShape{n, shape("gpu", 1, 6, 112, 1)})
	if len(vs) != 0 || got[0].Pool != "gpu" {
		t.Errorf("a GPU flag type is pinned to the GPU pool: %v %v", got, vs)
	}
	if _, vs := FitsNodes(got, []NodeShape{n}); len(vs) != 1 {
		t.Errorf("GPU type without a GPU pool: %v", vs)
	}
}

func TestParseInstanceType(t *testing.T) {
	ok := []struct {
		in   string
		want InstanceType
	}{
		{"cpu-2=2,4Gi", InstanceType{Name: "cpu-2", CPU: 2000, Memory: 4096, LimitCPU: 2000, LimitMemory: 4096}},
		{"tiny=500m,512Mi", InstanceType{Name: "tiny", CPU: 500, Memory: 512, LimitCPU: 500, LimitMemory: 512}},
		{" gpu = 4 , 16Gi , 1 ", InstanceType{Name: "gpu", CPU: 4000, Memory: 16384, LimitCPU: 4000, LimitMemory: 16384, GPUs: 1}},
	}
	for _, c := range ok {
		got, err := ParseInstanceType(c.in)
		if err != nil || got != c.want {
			t.Errorf("%q: %+v %v", c.in, got, err)
		}
	}
	for in, msg := range map[string]string{
		"cpu":          "want NAME=CPU,MEMORY[,GPU]",
		"CPU=1,1Gi":    "lower-case",
		"a=1":          "want CPU,MEMORY[,GPU]",
		"a=x,1Gi":      "CPU \"x\"",
		"a=1,4":        "memory \"4\"",
		"a=1,4Gi,half": "GPU \"half\"",
		"a=0,4Gi":      "above zero",
	} {
		_, err := ParseInstanceType(in)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: %v, want %q", in, err, msg)
		}
	}
}

func FuzzParseInstanceType(f *testing.F) {
	for _, s := range []string{"cpu-2=2,4Gi", "g=4,16Gi,1", "a=1e308,1e308Gi", "a=NaN,NaNGi", "=,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		it, err := ParseInstanceType(s)
		if err == nil && (it.CPU <= 0 || it.Memory <= 0 || it.Name == "") {
			t.Fatalf("%q accepted as %+v", s, it)
		}
		if err == nil {
			again, err2 := ParseInstanceType(it.Name + "=" + FormatCPU(it.CPU) + "," + FormatMemory(it.Memory))
			if err2 != nil || again.CPU != it.CPU || again.Memory != it.Memory {
				t.Fatalf("%q does not round-trip: %+v %v", s, again, err2)
			}
		}
	})
}
