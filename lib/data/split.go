package data

import (
	"math/rand/v2"
	"sort"
)

// SplitGrouped splits samples into train and test so that every Patient id
// (lesion or patient) lands in exactly one split: no leakage between photos
// of the same lesion. A sample with no Patient id is its own group. About
// testFrac of the groups go to test; the split depends only on seed and the
// set of group ids, not on input order.
func SplitGrouped(samples []Sample, testFrac float64, seed uint64) (train, test []Sample) {
	keyOf := func(s *Sample) string {
		if s.Patient != "" {
			return "p:" + s.Patient
		}
		return "s:" + s.ID
	}
	var keys []string
	seen := map[string]bool{}
	for i := range samples {
		k := keyOf(&samples[i])
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	rng := rand.New(rand.NewPCG(seed, 0x5eed5117))
	rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	nTest := int(float64(len(keys))*testFrac + 0.5)
	inTest := make(map[string]bool, nTest)
	for _, k := range keys[:nTest] {
		inTest[k] = true
	}
	for i := range samples {
		if inTest[keyOf(&samples[i])] {
			test = append(test, samples[i])
		} else {
			train = append(train, samples[i])
		}
	}
	return train, test
}
