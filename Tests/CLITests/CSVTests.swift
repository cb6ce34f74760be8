import Testing
@testable import regbn_analyze

@Suite struct CSVTests {
    @Test func quotingFollowsRFC4180() {
        #expect(CSVFormat.quote("plain") == "plain")
        #expect(CSVFormat.quote("a,b") == "\"a,b\"")
        #expect(CSVFormat.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVFormat.quote("two\nlines") == "\"two\nlines\"")
        #expect(CSVFormat.quote("crlf\r\nend") == "\"crlf\r\nend\"")
        #expect(CSVFormat.quote("") == "")
    }

    @Test func numbersRoundTripWithoutLocale() {
        let values: [Double] = [0.1, 1.0 / 3.0, 1e-300, 123456789.123, -2.5e-8, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                Double(Float(0.1))]
        for value in values {
            let text = CSVFormat.number(value)
            #expect(Double(text) == value, "\(text)")
            #expect(!text.contains(","))
        }
        #expect(CSVFormat.number(0.1) == "0.1")
        #expect(CSVFormat.number(.nan) == "nan")
        #expect(CSVFormat.number(.infinity) == "inf")
        #expect(CSVFormat.number(-.infinity) == "-inf")
    }

    @Test func tableRendersHeaderAndCells() {
        var table = CSVTable(header: ["measure", "value", "n", "settings"])
        table.append([.text("hsic_b"), .number(0.25), .integer(300), .text("sigma=1.5, kernel=gaussian")])
        table.append([.text("dcor"), .missing, .integer(0), .text("")])
        table.append([.text("x"), .optional(nil), .integer(-1), .text("q\"uote")])
        #expect(table.rendered() == """
            measure,value,n,settings
            hsic_b,0.25,300,"sigma=1.5, kernel=gaussian"
            dcor,nan,0,
            x,nan,-1,"q""uote"

            """)
    }
}
