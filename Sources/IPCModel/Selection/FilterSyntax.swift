/// The selection language of `--filter`: util-linux's scols-filter(5) syntax, parsed into a tree, and the tree
/// printed back as text.
///
/// Pure: bytes in, a tree or a positioned error out. Which names are columns, and what type each has, is decided
/// where the tree is bound to the column registry (IPCCore); here a name is only a name.

/// A comparison operator (`==`/`eq`, `!=`/`ne`, `<`/`lt`, `<=`/`le`, `>`/`gt`, `>=`/`ge`).
package enum FilterComparison: Hashable, Sendable, CaseIterable {
  case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual

  /// The C-style spelling, as the printer writes it.
  package var symbol: String {
    switch self {
    case .equal: "=="
    case .notEqual: "!="
    case .less: "<"
    case .lessOrEqual: "<="
    case .greater: ">"
    case .greaterOrEqual: ">="
    }
  }

  /// The operator with its operands swapped: `1 < A` is `A > 1`.
  package var mirrored: FilterComparison {
    switch self {
    case .equal, .notEqual: self
    case .less: .greater
    case .lessOrEqual: .greaterOrEqual
    case .greater: .less
    case .greaterOrEqual: .lessOrEqual
    }
  }

  /// Whether `order` (the left side's order relative to the right) satisfies the operator.
  package func holds(_ order: FilterOrder) -> Bool {
    switch self {
    case .equal: order == .same
    case .notEqual: order != .same
    case .less: order == .before
    case .lessOrEqual: order != .after
    case .greater: order == .after
    case .greaterOrEqual: order != .before
    }
  }
}

/// How two values order.
package enum FilterOrder: Sendable {
  case before, same, after

  package init<T: Comparable>(_ left: T, _ right: T) {
    self = left < right ? .before : left == right ? .same : .after
  }
}

/// One operand: a column name or a literal, with the 1-based byte column it starts at in the expression (0 for
/// operands the shorthand options made).
package struct FilterOperand: Hashable, Sendable {
  package enum Value: Hashable, Sendable {
    /// A name, as typed (`[a-zA-Z][a-zA-Z_.%:/-0-9]*`).
    case column([UInt8])
    /// A non-negative integer, its K/M/G/T/P/E suffix applied (powers of 1024).
    case number(UInt64)
    /// Text between quotes, without them.
    case string([UInt8])
    case boolean(Bool)
  }

  package var value: Value
  package var position: Int

  package init(_ value: Value, at position: Int = 0) {
    self.value = value
    self.position = position
  }
}

/// A parsed expression.
package indirect enum FilterExpression: Hashable, Sendable {
  /// A bare operand: true when the value is non-empty (a column with a value that is not 0 or empty text).
  case value(FilterOperand)
  case compare(FilterOperand, FilterComparison, FilterOperand)
  /// `=~` (or `!~` when `negated`): the left side matched against the POSIX extended regular expression of a
  /// string literal.
  case match(FilterOperand, pattern: FilterOperand, negated: Bool)
  case not(FilterExpression)
  case and(FilterExpression, FilterExpression)
  case or(FilterExpression, FilterExpression)

  /// Every operand, left to right.
  package var operands: [FilterOperand] {
    switch self {
    case .value(let operand): [operand]
    case .compare(let left, _, let right): [left, right]
    case .match(let left, let pattern, _): [left, pattern]
    case .not(let inner): inner.operands
    case .and(let left, let right), .or(let left, let right): left.operands + right.operands
    }
  }

  /// The same tree with every position 0: what two parses of equivalent texts are compared by.
  package var withoutPositions: FilterExpression {
    func strip(_ operand: FilterOperand) -> FilterOperand { FilterOperand(operand.value) }
    switch self {
    case .value(let operand): return .value(strip(operand))
    case .compare(let left, let comparison, let right): return .compare(strip(left), comparison, strip(right))
    case .match(let left, let pattern, let negated):
      return .match(strip(left), pattern: strip(pattern), negated: negated)
    case .not(let inner): return .not(inner.withoutPositions)
    case .and(let left, let right): return .and(left.withoutPositions, right.withoutPositions)
    case .or(let left, let right): return .or(left.withoutPositions, right.withoutPositions)
    }
  }

  /// All of `parts` joined with `&&`, left to right; nil when there are none.
  package static func all(_ parts: [FilterExpression]) -> FilterExpression? {
    guard var result = parts.first else { return nil }
    for part in parts.dropFirst() { result = .and(result, part) }
    return result
  }
}

/// Why an expression was rejected, and where: `message` names what was wrong, `position` the 1-based byte column
/// (0 when the expression as a whole is at fault).
package struct FilterSyntaxError: Error, Hashable, Sendable {
  package var message: String
  package var position: Int

  package init(_ message: String, at position: Int) {
    self.message = message
    self.position = position
  }

  /// `expected ')' at column 17`.
  package var description: String { position > 0 ? "\(message) at column \(position)" : message }
}

/// The bounds that keep any input cheap to parse and evaluate, as scols-filter(5) sets them.
package enum FilterLimits {
  /// Bytes of expression text.
  package static let length = 1024
  /// Operands and operators in one expression.
  package static let nodes = 256
  /// Parentheses and negations open at once.
  package static let depth = 64
  /// Bytes of one regular expression.
  package static let patternLength = 256
  /// The largest repetition count `{n,m}` a pattern may ask for.
  package static let repetition = 1024
}

/// The parser: tokens of scols-filter's scanner, and a recursive-descent grammar with the precedence
/// scols-filter(5) documents, loosest first: `||`, `&&`, `!`, then the comparisons.
///
/// ```
/// expr    := and ( ('||' | 'or' | 'OR') and )*
/// and     := unary ( ('&&' | 'and' | 'AND') unary )*
/// unary   := ('!' | 'not' | 'NOT') unary | primary
/// primary := '(' expr ')' | operand [ compare operand | ('=~' | '!~') string ]
/// ```
///
/// A comparison's operands are values (a column or a literal), never expressions, so `! A == 1` can only mean
/// `!(A == 1)`, and `A < B < C` is an error.
package enum FilterParser {
  package static func parse(_ text: [UInt8]) throws(FilterSyntaxError) -> FilterExpression {
    guard text.count <= FilterLimits.length else {
      throw FilterSyntaxError("the expression is longer than \(FilterLimits.length) bytes", at: 0)
    }
    var parser = Parser(tokens: try FilterLexer.tokens(text), end: text.count + 1)
    guard !parser.tokens.isEmpty else { throw FilterSyntaxError("the expression is empty", at: 0) }
    let expression = try parser.expression()
    if let token = parser.peek {
      let hint: String =
        switch token.kind {
        case .comparison, .match: "; comparisons do not chain (use && between them)"
        case .operand: "; use && or || between conditions"
        default: ""
        }
      throw FilterSyntaxError("unexpected \(token.kind.shown)\(hint)", at: token.position)
    }
    return expression
  }

  private struct Parser {
    var tokens: [FilterToken]
    var index = 0
    var nodes = 0
    var depth = 0
    /// The position just after the text, for "expected …" at the end.
    let end: Int

    init(tokens: [FilterToken], end: Int) {
      self.tokens = tokens
      self.end = end
    }

    var peek: FilterToken? { index < tokens.count ? tokens[index] : nil }

    mutating func next() -> FilterToken? {
      defer { index += 1 }
      return peek
    }

    mutating func count(_ added: Int, at position: Int) throws(FilterSyntaxError) {
      nodes += added
      if nodes > FilterLimits.nodes {
        throw FilterSyntaxError(
          "the expression has more than \(FilterLimits.nodes) operands and operators",
          at: position
        )
      }
    }

    mutating func enter(at position: Int) throws(FilterSyntaxError) {
      depth += 1
      if depth > FilterLimits.depth {
        throw FilterSyntaxError("more than \(FilterLimits.depth) parentheses and negations nested", at: position)
      }
    }

    mutating func expression() throws(FilterSyntaxError) -> FilterExpression {
      var left = try conjunction()
      while let token = peek, token.kind == .or {
        index += 1
        try count(1, at: token.position)
        left = .or(left, try conjunction())
      }
      return left
    }

    mutating func conjunction() throws(FilterSyntaxError) -> FilterExpression {
      var left = try unary()
      while let token = peek, token.kind == .and {
        index += 1
        try count(1, at: token.position)
        left = .and(left, try unary())
      }
      return left
    }

    mutating func unary() throws(FilterSyntaxError) -> FilterExpression {
      guard let token = peek, token.kind == .not else { return try primary() }
      index += 1
      try count(1, at: token.position)
      try enter(at: token.position)
      defer { depth -= 1 }
      return .not(try unary())
    }

    mutating func primary() throws(FilterSyntaxError) -> FilterExpression {
      guard let token = next() else { throw FilterSyntaxError("expected a condition", at: end) }
      switch token.kind {
      case .open:
        try enter(at: token.position)
        defer { depth -= 1 }
        let inner = try expression()
        guard let close = next(), close.kind == .close else {
          throw FilterSyntaxError(
            "expected ')'",
            at: tokens.indices.contains(index - 1) ? tokens[index - 1].position : end
          )
        }
        return inner
      case .operand(let value):
        let left = FilterOperand(value, at: token.position)
        try count(1, at: token.position)
        switch peek?.kind {
        case .comparison(let comparison)?:
          index += 1
          try count(2, at: tokens[index - 1].position)
          return .compare(left, comparison, try operand(after: comparison.symbol))
        case .match(let negated)?:
          let matchToken = tokens[index]
          index += 1
          try count(2, at: matchToken.position)
          let pattern = try operand(after: negated ? "!~" : "=~")
          guard case .string = pattern.value else {
            throw FilterSyntaxError(
              "expected a string (the regular expression) after '\(negated ? "!~" : "=~")'",
              at: pattern.position
            )
          }
          return .match(left, pattern: pattern, negated: negated)
        default:
          return .value(left)
        }
      default:
        throw FilterSyntaxError("expected a condition, found \(token.kind.shown)", at: token.position)
      }
    }

    mutating func operand(after symbol: String) throws(FilterSyntaxError) -> FilterOperand {
      guard let token = next() else {
        throw FilterSyntaxError("expected a column name or a value after '\(symbol)'", at: end)
      }
      guard case .operand(let value) = token.kind else {
        throw FilterSyntaxError(
          "expected a column name or a value after '\(symbol)', found \(token.kind.shown)",
          at: token.position
        )
      }
      return FilterOperand(value, at: token.position)
    }
  }
}

/// A token of the filter language, with its 1-based byte column.
package struct FilterToken: Hashable, Sendable {
  package enum Kind: Hashable, Sendable {
    case open, close, and, or, not
    case comparison(FilterComparison)
    case match(negated: Bool)
    case operand(FilterOperand.Value)

    /// How a message names it.
    var shown: String {
      switch self {
      case .open: "'('"
      case .close: "')'"
      case .and: "'&&'"
      case .or: "'||'"
      case .not: "'!'"
      case .comparison(let comparison): "'\(comparison.symbol)'"
      case .match(let negated): negated ? "'!~'" : "'=~'"
      case .operand(.column(let name)): "'\(String(decoding: name, as: UTF8.self))'"
      case .operand(.number(let number)): "'\(number)'"
      case .operand(.string): "a string"
      case .operand(.boolean(let value)): "'\(value)'"
      }
    }
  }

  package var kind: Kind
  package var position: Int
}

/// scols-filter's scanner: blanks and newlines between tokens, names `[a-zA-Z][a-zA-Z_.%:/-0-9]*` (the words
/// `and or not eq ne lt le gt ge true false` in lower or upper case are keywords), integers with an optional
/// K/M/G/T/P/E suffix and optional `iB` (also `0x` hexadecimal, which scols-filter lacks, for keys), strings in
/// double or single quotes without a newline.
package enum FilterLexer {
  package static func tokens(_ text: [UInt8]) throws(FilterSyntaxError) -> [FilterToken] {
    var tokens: [FilterToken] = []
    var index = 0
    func at(_ offset: Int) -> UInt8? { index + offset < text.count ? text[index + offset] : nil }
    while index < text.count {
      let byte = text[index]
      let position = index + 1
      func add(_ kind: FilterToken.Kind, length: Int) {
        tokens.append(FilterToken(kind: kind, position: position))
        index += length
      }
      switch byte {
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"):
        index += 1
      case UInt8(ascii: "("): add(.open, length: 1)
      case UInt8(ascii: ")"): add(.close, length: 1)
      case UInt8(ascii: "&"):
        guard at(1) == UInt8(ascii: "&") else { throw FilterSyntaxError("unexpected '&' (use &&)", at: position) }
        add(.and, length: 2)
      case UInt8(ascii: "|"):
        guard at(1) == UInt8(ascii: "|") else { throw FilterSyntaxError("unexpected '|' (use ||)", at: position) }
        add(.or, length: 2)
      case UInt8(ascii: "="):
        switch at(1) {
        case UInt8(ascii: "=")?: add(.comparison(.equal), length: 2)
        case UInt8(ascii: "~")?: add(.match(negated: false), length: 2)
        default: throw FilterSyntaxError("unexpected '=' (use == to compare)", at: position)
        }
      case UInt8(ascii: "!"):
        switch at(1) {
        case UInt8(ascii: "=")?: add(.comparison(.notEqual), length: 2)
        case UInt8(ascii: "~")?: add(.match(negated: true), length: 2)
        default: add(.not, length: 1)
        }
      case UInt8(ascii: "<"):
        if at(1) == UInt8(ascii: "=") {
          add(.comparison(.lessOrEqual), length: 2)
        } else {
          add(.comparison(.less), length: 1)
        }
      case UInt8(ascii: ">"):
        if at(1) == UInt8(ascii: "=") {
          add(.comparison(.greaterOrEqual), length: 2)
        } else {
          add(.comparison(.greater), length: 1)
        }
      case UInt8(ascii: "\""), UInt8(ascii: "'"):
        var end = index + 1
        while end < text.count && text[end] != byte && text[end] != UInt8(ascii: "\n") { end += 1 }
        guard end < text.count, text[end] == byte else {
          throw FilterSyntaxError("unterminated string", at: position)
        }
        tokens.append(FilterToken(kind: .operand(.string(Array(text[(index + 1)..<end]))), position: position))
        index = end + 1
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        let (value, length) = try number(text, from: index)
        add(.operand(.number(value)), length: length)
      case _ where isLetter(byte):
        var end = index + 1
        while end < text.count && isNameByte(text[end]) { end += 1 }
        let word = Array(text[index..<end])
        add(keyword(word) ?? .operand(.column(word)), length: word.count)
      default:
        throw FilterSyntaxError("unexpected character '\(shown(byte))'", at: position)
      }
    }
    return tokens
  }

  static func isLetter(_ byte: UInt8) -> Bool {
    (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
  }
  static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
  /// What may follow the first letter of a name: `[a-zA-Z_.%:/-0-9]`.
  static func isNameByte(_ byte: UInt8) -> Bool {
    isLetter(byte) || isDigit(byte) || Array("_.%:/-".utf8).contains(byte)
  }

  /// A byte as a message shows it: itself when printable ASCII, else `\xNN`.
  package static func shown(_ byte: UInt8) -> String {
    if byte >= 0x20 && byte < 0x7f { return String(UnicodeScalar(byte)) }
    let digits = Array("0123456789abcdef".utf8)
    return "\\x" + String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
  }

  private static let keywords: [String: FilterToken.Kind] = [
    "and": .and, "or": .or, "not": .not,
    "eq": .comparison(.equal), "ne": .comparison(.notEqual), "lt": .comparison(.less),
    "le": .comparison(.lessOrEqual), "gt": .comparison(.greater), "ge": .comparison(.greaterOrEqual),
    "true": .operand(.boolean(true)), "false": .operand(.boolean(false)),
  ]

  /// `and`/`AND` and the rest, in all lower or all upper case (as scols-filter's scanner has them).
  static func keyword(_ word: [UInt8]) -> FilterToken.Kind? {
    let lower = word.map { $0 | 0x20 }
    guard word == lower || word == word.map({ $0 & ~0x20 }) else { return nil }
    return keywords[String(decoding: lower, as: UTF8.self)]
  }

  /// Multipliers of the suffixes, powers of 1024 as in libsmartcols (`strtosize`).
  private static let suffixes: [UInt8: Int] = [
    UInt8(ascii: "K"): 1, UInt8(ascii: "M"): 2, UInt8(ascii: "G"): 3, UInt8(ascii: "T"): 4,
    UInt8(ascii: "P"): 5, UInt8(ascii: "E"): 6, UInt8(ascii: "Z"): 7, UInt8(ascii: "Y"): 8,
  ]

  /// An integer at `start`: decimal digits (or `0x` and hex digits) and an optional suffix; whatever name byte
  /// or `.` follows makes it invalid (`5k`, `1.5`, `0x`).
  static func number(_ text: [UInt8], from start: Int) throws(FilterSyntaxError) -> (UInt64, Int) {
    var end = start
    var value: UInt64 = 0
    var overflow = false
    func append(_ digit: UInt64, radix: UInt64) {
      let (shifted, o1) = value.multipliedReportingOverflow(by: radix)
      let (sum, o2) = shifted.addingReportingOverflow(digit)
      value = sum
      overflow = overflow || o1 || o2
    }
    if text[start] == UInt8(ascii: "0"), start + 1 < text.count, text[start + 1] | 0x20 == UInt8(ascii: "x"),
      start + 2 < text.count, hexDigit(text[start + 2]) != nil
    {
      end = start + 2
      while end < text.count, let digit = hexDigit(text[end]) {
        append(UInt64(digit), radix: 16)
        end += 1
      }
    } else {
      while end < text.count && isDigit(text[end]) {
        append(UInt64(text[end] - UInt8(ascii: "0")), radix: 10)
        end += 1
      }
      if end < text.count, let power = suffixes[text[end]] {
        end += 1
        if end + 1 < text.count && text[end] == UInt8(ascii: "i") && text[end + 1] == UInt8(ascii: "B") { end += 2 }
        for _ in 0..<power where !overflow {
          let (product, o) = value.multipliedReportingOverflow(by: 1024)
          value = product
          overflow = overflow || o
        }
      }
    }
    let shownText = { (to: Int) in String(decoding: text[start..<to], as: UTF8.self) }
    if end < text.count && (isNameByte(text[end]) || text[end] == UInt8(ascii: ".")) {
      var stop = end
      while stop < text.count && (isNameByte(text[stop]) || text[stop] == UInt8(ascii: ".")) { stop += 1 }
      let word = shownText(stop)
      let hint =
        text[end] == UInt8(ascii: ".")
        ? " (fractions are not supported: no column has them)"
        : " (suffixes are K, M, G, T, P, E, powers of 1024)"
      throw FilterSyntaxError("invalid number '\(word)'\(hint)", at: start + 1)
    }
    if overflow { throw FilterSyntaxError("number '\(shownText(end))' is too large", at: start + 1) }
    return (value, end - start)
  }

  static func hexDigit(_ byte: UInt8) -> UInt8? {
    if isDigit(byte) { return byte - UInt8(ascii: "0") }
    let lower = byte | 0x20
    if lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f") { return lower - UInt8(ascii: "a") + 10 }
    return nil
  }
}

/// Writes a tree as text that parses back to the same tree: operators in their C spelling, numbers in decimal,
/// strings in the quote they do not contain, and parentheses only where the precedence and the left-to-right
/// grouping need them (so the text nests no deeper than any text that parses to the tree).
package enum FilterPrinter {
  package static func text(_ expression: FilterExpression) -> [UInt8] {
    var out: [UInt8] = []
    append(expression, to: &out)
    return out
  }

  /// How tightly a node binds: `||` 1, `&&` 2, `!` 3, comparisons and values 4.
  private static func level(_ expression: FilterExpression) -> Int {
    switch expression {
    case .or: 1
    case .and: 2
    case .not: 3
    case .value, .compare, .match: 4
    }
  }

  private static func append(_ expression: FilterExpression, above minimum: Int, to out: inout [UInt8]) {
    if level(expression) < minimum {
      out.append(UInt8(ascii: "("))
      append(expression, to: &out)
      out.append(UInt8(ascii: ")"))
    } else {
      append(expression, to: &out)
    }
  }

  private static func append(_ expression: FilterExpression, to out: inout [UInt8]) {
    switch expression {
    case .value(let operand): append(operand, to: &out)
    case .compare(let left, let comparison, let right):
      append(left, to: &out)
      out += Array(" \(comparison.symbol) ".utf8)
      append(right, to: &out)
    case .match(let left, let pattern, let negated):
      append(left, to: &out)
      out += Array(negated ? " !~ ".utf8 : " =~ ".utf8)
      append(pattern, to: &out)
    case .not(let inner):
      out.append(UInt8(ascii: "!"))
      append(inner, above: 3, to: &out)
    case .and(let left, let right):
      // Left to right: a chain needs no parentheses on its left, and needs them on its right.
      append(left, above: 2, to: &out)
      out += Array(" && ".utf8)
      append(right, above: 3, to: &out)
    case .or(let left, let right):
      append(left, above: 1, to: &out)
      out += Array(" || ".utf8)
      append(right, above: 2, to: &out)
    }
  }

  private static func append(_ operand: FilterOperand, to out: inout [UInt8]) {
    switch operand.value {
    case .column(let name): out += name
    case .number(let number): out += Array(String(number).utf8)
    case .boolean(let value): out += Array((value ? "true" : "false").utf8)
    case .string(let bytes):
      let quote = bytes.contains(UInt8(ascii: "\"")) ? UInt8(ascii: "'") : UInt8(ascii: "\"")
      out.append(quote)
      out += bytes
      out.append(quote)
    }
  }
}
