import Testing

@testable import Tensor

struct BLASTests {
    /// Worked by hand: [[1, 2], [3, 4], [5, 6]] x [[1, 0, 2], [0, 1, 3]].
    @Test func matmulOfSmallMatrices() {
        let left = Tensor(shape: [3, 2], storage: [1, 2, 3, 4, 5, 6])
        let right = Tensor(shape: [2, 3], storage: [1, 0, 2, 0, 1, 3])
        let product = Tensor.matmul(left, right)
        #expect(product.shape == [3, 3])
        #expect(product.storage == [1, 2, 8, 3, 4, 18, 5, 6, 28])
    }

    @Test func matmulWithTransposedRightIsXTimesWTransposed() {
        let input = Tensor(shape: [1, 3], storage: [1, 2, 3])
        let weight = Tensor(shape: [2, 3], storage: [1, 1, 1, 0, 1, -1])
        #expect(Tensor.matmul(input, weight, transposeRight: true).storage == [6, -1])
    }

    @Test func configurationNamesTheCore() {
        #expect(BLAS.configuration.contains("core"))
        #expect(BLAS.threadCount >= 1)
    }
}
