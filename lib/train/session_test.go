package train

import "testing"

func TestSession(t *testing.T) {
	spec := smallSpec("eqpo")
	spec.PromptsPerStep = 16
	s, err := NewSession(spec, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	before := s.Evaluate().Overall
	for i := 0; i < 5; i++ {
		b := s.Sample()
		if len(b.Rollouts) != 16*spec.G || len(b.Answers) != len(b.Rollouts) || len(b.Inputs) != 16 {
			t.Fatalf("batch sizes: %d rollouts, %d answers, %d inputs", len(b.Rollouts), len(b.Answers), len(b.Inputs))
		}
		st := s.Advantages(b)
		if st.Info == nil || len(st.Info.Factors) == 0 {
			t.Fatal("EQPO reported no scale factors")
		}
		if _, err := s.Update(b, st.Adv); err != nil {
			t.Fatal(err)
		}
	}
	if after := s.Evaluate().Overall; after == before {
		t.Fatal("five updates changed nothing")
	}
	if len(s.Classes("chexpert")) != 14 {
		t.Fatal("classes")
	}
}
