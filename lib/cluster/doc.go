// Package cluster owns k-means (k-means++ seeding, restarts, empty-cluster
// repair), the choice of k (the authors' elbow rule, silhouette, or fixed),
// agreement scores between two labelings (ARI and NMI, matching
// scikit-learn's adjusted_rand_score and normalized_mutual_info_score with
// arithmetic normalisation), a stability score between clusterings of the
// same items, and a bounded history (Window) so that the cost of re-fitting
// does not grow with training length. It knows nothing about RL; the caller
// chooses the features.
//
// Randomness is injected: every fit takes a *rand.Rand, so the same seed
// gives the same clustering.
package cluster
