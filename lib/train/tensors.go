package train

import (
	"bytes"

	"github.com/gomlx/gomlx/core/tensors"

	"eqpo/lib/data"
)

type dataAttr = data.Attr

func tensorOf(x []float32, dims ...int) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(append([]float32(nil), x...), dims...)
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
