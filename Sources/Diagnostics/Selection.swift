/// The k-th smallest element (0-based) of `values` by quickselect (Hoare's
/// partition, median-of-three pivot), reordering `values` so that every element
/// before index k is ≤ the result and every element after it is ≥. Expected
/// O(count) time, against O(count·log count) for sorting: the median heuristic
/// selects from ~500 000 distances per operand.
func selectKthSmallest(_ values: inout [Double], _ k: Int) -> Double {
    precondition(k >= 0 && k < values.count, "selectKthSmallest: k = \(k) outside 0..<\(values.count)")
    return withShared(&values) { v in
        @inline(__always) func swapAt(_ a: Int, _ b: Int) { let t = v[a]; v[a] = v[b]; v[b] = t }
        var low = 0, high = v.count - 1
        while high > low {
            let mid = low + (high - low) / 2
            if v[mid] < v[low] { swapAt(mid, low) }
            if v[high] < v[low] { swapAt(high, low) }
            if v[high] < v[mid] { swapAt(high, mid) }
            let pivot = v[mid]
            var i = low, j = high
            while i <= j {
                while v[i] < pivot { i += 1 }
                while v[j] > pivot { j -= 1 }
                if i <= j {
                    swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // [low, j] ≤ pivot, [i, high] ≥ pivot, anything between equals pivot.
            if k <= j {
                high = j
            } else if k >= i {
                low = i
            } else {
                return v[k]
            }
        }
        return v[k]
    }
}

/// The two middle values of `values` in sorted order (equal for an odd count):
/// numpy.median is their mean.
func middleValues(_ values: inout [Double]) -> (lower: Double, upper: Double) {
    let c = values.count
    precondition(c > 0, "median of no values")
    let upper = selectKthSmallest(&values, c / 2)
    guard c % 2 == 0 else { return (upper, upper) }
    // After selection everything before c/2 is ≤ upper: the lower middle is their maximum.
    return (values[0..<(c / 2)].max()!, upper)
}

/// numpy.median: the middle value, or the mean of the two middle values for an even count.
func median(_ values: inout [Double]) -> Double {
    let (lower, upper) = middleValues(&values)
    return (lower + upper) / 2
}
