/// The k-th smallest element (0-based) of `values` by quickselect (Hoare's
/// partition, median-of-three pivot), reordering `values` so that every element
/// before index k is ≤ the result and every element after it is ≥. Expected
/// O(count) time, against O(count·log count) for sorting: the median heuristic
/// selects from ~500 000 distances per operand.
func selectKthSmallest(_ values: inout [Double], _ k: Int) -> Double {
    precondition(k >= 0 && k < values.count, "selectKthSmallest: k = \(k) outside 0..<\(values.count)")
    var low = 0, high = values.count - 1
    while high > low {
        let mid = low + (high - low) / 2
        if values[mid] < values[low] { values.swapAt(mid, low) }
        if values[high] < values[low] { values.swapAt(high, low) }
        if values[high] < values[mid] { values.swapAt(high, mid) }
        let pivot = values[mid]
        var i = low, j = high
        while i <= j {
            while values[i] < pivot { i += 1 }
            while values[j] > pivot { j -= 1 }
            if i <= j {
                values.swapAt(i, j)
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
            return values[k]
        }
    }
    return values[k]
}

/// numpy.median: the middle value, or the mean of the two middle values for an even count.
func median(_ values: inout [Double]) -> Double {
    let c = values.count
    precondition(c > 0, "median of no values")
    let upper = selectKthSmallest(&values, c / 2)
    guard c % 2 == 0 else { return upper }
    // After selection everything before c/2 is ≤ upper: the lower middle is their maximum.
    let lower = values[0..<(c / 2)].max()!
    return (lower + upper) / 2
}
