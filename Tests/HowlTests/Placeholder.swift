import Testing
@Test func builds() { #expect(true) }
