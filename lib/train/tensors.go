package train

import (
	"github.com/gomlx/gomlx/core/tensors"
)

func tensorOf(x []float32, dims ...int) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(append([]float32(nil), x...), dims...)
}
