import Testing
import Suggestions

@Suite struct EditDistanceTests {
    @Test func distances() {
        #expect(editDistance("", "abc") == 3)
        #expect(editDistance("kitten", "sitting") == 3)
        #expect(editDistance("audti", "audit") == 1)   // one transposition
        #expect(editDistance("same", "same") == 0)
    }

    @Test func suggestionsOnlyForCloseWords() {
        let options = ["precision", "permutations", "seed", "sigma-f", "sigma-g"]
        #expect(closestMatch(to: "precison", in: options) == "precision")
        #expect(closestMatch(to: "sed", in: options) == "seed")
        #expect(closestMatch(to: "perm", in: options) == "permutations")
        #expect(closestMatch(to: "frobnicate", in: options) == nil)
    }
}
