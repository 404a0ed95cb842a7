package cluster

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"eqpo/lib/data"
)

func blobs(n, k, dim int, spread float64, rng *rand.Rand) ([][]float64, []int) {
	centers := make([][]float64, k)
	for c := range centers {
		centers[c] = make([]float64, dim)
		for j := range centers[c] {
			centers[c][j] = rng.NormFloat64() * 10
		}
	}
	rows, truth := make([][]float64, n), make([]int, n)
	for i := range rows {
		c := i % k
		truth[i] = c
		rows[i] = make([]float64, dim)
		for j := range rows[i] {
			rows[i][j] = centers[c][j] + rng.NormFloat64()*spread
		}
	}
	return rows, truth
}

func TestAgreementMatchesSklearn(t *testing.T) {
	raw, err := os.ReadFile("testdata/sklearn_agreement.json")
	if err != nil {
		t.Skip("fixtures missing: run /usr/bin/python3 lib/fairness/testdata/make_fixtures.py")
	}
	var fx struct {
		Cases []struct {
			A, B     []int
			ARI, NMI float64
		}
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	for i, c := range fx.Cases {
		t.Run(fmt.Sprintf("case%d_n%d", i, len(c.A)), func(t *testing.T) {
			if got := ARI(c.A, c.B); math.Abs(got-c.ARI) > 1e-9 {
				t.Errorf("ARI %v, sklearn %v", got, c.ARI)
			}
			if got := NMI(c.A, c.B); math.Abs(got-c.NMI) > 1e-9 {
				t.Errorf("NMI %v, sklearn %v", got, c.NMI)
			}
		})
	}
}

func TestKMeansRecoversBlobs(t *testing.T) {
	rows, truth := blobs(600, 4, 5, 1, rand.New(rand.NewPCG(1, 1)))
	res := KMeans(rows, 4, rand.New(rand.NewPCG(7, 7)), Options{})
	if ari := ARI(truth, res.Labels); ari < 0.95 {
		t.Fatalf("ARI %v on well-separated blobs", ari)
	}
	again := KMeans(rows, 4, rand.New(rand.NewPCG(7, 7)), Options{})
	if !reflect.DeepEqual(res, again) {
		t.Fatal("same seed gave different clusterings")
	}
	sum := 0
	for _, s := range res.Sizes {
		sum += s
	}
	if sum != 600 {
		t.Fatalf("sizes sum %d", sum)
	}
}

func TestKMeansDegenerate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	same := [][]float64{{1, 1}, {1, 1}, {1, 1}}
	res := KMeans(same, 3, rng, Options{})
	if res.Inertia != 0 || len(res.Labels) != 3 {
		t.Fatalf("identical rows: %+v", res)
	}
	if r := KMeans([][]float64{{0}, {5}}, 5, rng, Options{}); r.K != 2 {
		t.Fatalf("k must be capped at n: %d", r.K)
	}
	if r := KMeans(nil, 3, rng, Options{}); len(r.Labels) != 0 {
		t.Fatal("empty input")
	}
}

func TestChooseK(t *testing.T) {
	rows, _ := blobs(300, 3, 4, 0.5, rand.New(rand.NewPCG(3, 3)))
	rng := rand.New(rand.NewPCG(1, 1))
	if k := ElbowK(rows, 6, rng, Options{}); k != 3 {
		t.Errorf("elbow k = %d, want 3", k)
	}
	if k := SilhouetteK(rows, 6, rng, Options{}); k != 3 {
		t.Errorf("silhouette k = %d, want 3", k)
	}
	// Degenerate histories (paper.md 9.6): one distinct row -> 1, two -> 2.
	if k := ElbowK([][]float64{{1, 0}, {1, 0}}, 3, rng, Options{}); k != 1 {
		t.Errorf("one distinct row: k=%d", k)
	}
	if k := ElbowK([][]float64{{1, 0}, {0, 1}, {1, 0}}, 3, rng, Options{}); k != 2 {
		t.Errorf("two distinct rows: k=%d", k)
	}
}

func TestWindow(t *testing.T) {
	w := Window{Cap: 3}
	for i := 0; i < 5; i++ {
		w.Add([]float64{float64(i)}, "")
	}
	if w.Len() != 3 || w.Rows[0][0] != 2 || w.Total != 5 {
		t.Fatalf("window %+v", w)
	}
}

// TestHAM10000SourceNMI clusters the real 8x8 HAM10000 pixels with k=4 and
// reports the NMI against the acquisition source (data/README.md records it).
func TestHAM10000SourceNMI(t *testing.T) {
	dir, ok := data.DataDir("")
	if !ok {
		t.Skip("real data not found: set EQPO_DATA_DIR (see data/README.md)")
	}
	s, err := data.LoadHAM10000(filepath.Join(dir, "ham10000"))
	if err != nil {
		t.Fatal(err)
	}
	rows := make([][]float32, len(s))
	src := map[string]int{}
	truth := make([]int, len(s))
	for i := range s {
		rows[i] = s[i].Image.Pixels
		if _, ok := src[s[i].Source]; !ok {
			src[s[i].Source] = len(src)
		}
		truth[i] = src[s[i].Source]
	}
	res := KMeans32(rows, 4, rand.New(rand.NewPCG(0, 0)), Options{})
	nmi, ari := NMI(truth, res.Labels), ARI(truth, res.Labels)
	t.Logf("HAM10000 8x8 pixels, k=4, seed 0: NMI vs acquisition source = %.4f, ARI = %.4f", nmi, ari)
	if nmi <= 0.01 {
		t.Fatalf("NMI %v: pixels carry no trace of the source?", nmi)
	}
}

func BenchmarkKMeans10000x64k8(b *testing.B) {
	rows, _ := blobs(10000, 8, 64, 3, rand.New(rand.NewPCG(1, 1)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		KMeans(rows, 8, rand.New(rand.NewPCG(uint64(i), 0)), Options{Restarts: 1})
	}
}

func ExampleARI() {
	a := []int{0, 0, 1, 1}
	b := []int{1, 1, 0, 0} // same partition, other names
	fmt.Printf("%.1f %.1f\n", ARI(a, b), NMI(a, b))
	// Output: 1.0 1.0
}

func TestSilhouetteKSubsample(t *testing.T) {
	rows, _ := blobs(3000, 4, 3, 0.5, rand.New(rand.NewPCG(9, 9)))
	if k := SilhouetteK(rows, 6, rand.New(rand.NewPCG(1, 1)), Options{Restarts: 1}); k != 4 {
		t.Fatalf("subsampled silhouette chose k=%d on 4 blobs", k)
	}
}
