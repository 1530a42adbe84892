import Testing

@testable import Projections

/// The fold's pair map answers as a dictionary does, through its growth,
/// and gives its entries back in the order they were first added.
@Test func aPairMapAnswersAsADictionaryAndKeepsTheOrderOfAdding() {
  var generator = SystemRandomNumberGenerator()
  for round in 0..<20 {
    var map = PairMap<Int>()
    var expected: [UInt64: Int] = [:]
    var order: [UInt64] = []
    // Few high words and low words, so that keys share bits and slots collide.
    let count = [0, 1, 11, 12, 100, 5000][round % 6]
    for step in 0..<count * 2 {
      let key = UInt64(Int.random(in: 1...40, using: &generator)) << 32 | UInt64(Int.random(in: 0...200, using: &generator))
      if let index = map.index(forKey: key) {
        #expect(expected[key] != nil)
        map.values[index] += step
        expected[key]! += step
      } else {
        #expect(expected[key] == nil, "key \(key) lost")
        map.add(key, step)
        expected[key] = step
        order.append(key)
      }
    }
    #expect(map.keys.count == expected.count)
    #expect(map.keys == order)
    for (key, value) in map { #expect(expected[key] == value) }
    #expect(map.index(forKey: UInt64(41) << 32) == nil)
    #expect(map.index(forKey: 0) == nil)
  }
}
