import EventLog

/// Model family trees: who succeeded whom (through a launch's `predecessor`),
/// with the codenames each model is known by.
public struct Lineage: Sendable, Equatable {
  public var models: [String: ModelNode] = [:]

  public init() {}

  /// The lineage of events folded in the order given (no replay rules applied).
  public init<Events: Sequence>(folding events: Events) where Events.Element == Event {
    let table = FactTable(events)
    self.init(table: table, facts: Array(table.facts.indices.map(Int32.init)))
  }

  /// Builds the lineage from facts in replay order. A model is any product
  /// launched with `type` model, any product in a predecessor link, and any
  /// subject of a codename.
  init(table: FactTable, facts: [Int32]) {
    var fold = StateFold(table: table)
    let names = table.names
    let model = names.lookup("model") ?? -1
    for index in facts {
      fold.apply(index)
      let fact = table.facts[Int(index)]
      guard fact.org != 0 else { continue }
      switch fact.factKind {
      case .launch where fact.subject != 0:
        let subject = names[fact.subject]
        if fact.predecessor != 0 {
          let predecessor = names[fact.predecessor]
          touch(subject, org: names[fact.org])
          touch(predecessor, org: EventSchema.productParts(predecessor)?.org ?? names[fact.org])
          models[subject]!.predecessor = predecessor
        } else if fact.launchType == model {
          touch(subject, org: names[fact.org])
        }
      case .codename where fact.subject != 0:
        touch(names[fact.subject], org: names[fact.org])
      default:
        break
      }
    }
    let state = fold.materialize()
    for (id, node) in models {
      if let predecessor = node.predecessor { models[predecessor]?.successors.append(id) }
    }
    // org -> model -> its codenames, gathered once rather than per model.
    var codenames: [String: [String: [String]]] = [:]
    for (org, orgState) in state.orgs {
      for (name, codename) in orgState.codenames {
        if let subject = codename.subject { codenames[org, default: [:]][subject, default: []].append(name) }
      }
    }
    for (id, var node) in models {
      node.successors = sortedKeys(node.successors)
      if let product = state.orgs[node.org]?.products[id] {
        node.launched = product.launched
        node.status = product.status.rawValue
        node.confidence = product.confidence
      }
      node.codenames = sortedKeys(codenames[node.org]?[id] ?? [])
      node.codenameConfidences = node.codenames.map { state.orgs[node.org]!.codenames[$0]!.confidence }
      models[id] = node
    }
  }

  private mutating func touch(_ id: String, org: String) {
    if models[id] == nil { models[id] = ModelNode(org: org) }
  }

  /// The family of `model`: every model linked to it through predecessors, either way.
  public func family(of model: String) -> Lineage {
    var family = Lineage()
    var queue = [model]
    while let id = queue.popLast() {
      guard family.models[id] == nil, let node = models[id] else { continue }
      family.models[id] = node
      if let predecessor = node.predecessor { queue.append(predecessor) }
      queue.append(contentsOf: node.successors)
    }
    return family
  }

  /// The family of `model`, or when `orPrefix` is set and no model has that
  /// id, every model whose id starts with it, with the links among them.
  public func family(of model: String, orPrefix: Bool) -> Lineage {
    if !orPrefix || models[model] != nil { return family(of: model) }
    return filtered { id, _ in id.hasPrefix(model) }
  }

  /// The models of one org, with the links among them.
  public func only(org: String) -> Lineage { filtered { $1.org == org } }

  /// The models for which `keep` holds, each with all its links: a
  /// predecessor or successor left out is still named in the links of the
  /// models kept, and a kept model whose predecessor is left out becomes a root.
  func filtered(_ keep: (String, ModelNode) -> Bool) -> Lineage {
    var kept = Lineage()
    for (id, node) in models where keep(id, node) { kept.models[id] = node }
    return kept
  }

  /// Models whose predecessor is not a model of this lineage (they have
  /// none, or it was left out), sorted: the roots of the trees. A cycle of
  /// successions has no root.
  public var roots: [String] {
    sortedKeys(models.filter { $0.value.predecessor.map { models[$0] == nil } ?? true }.map(\.key))
  }
}

/// One model in the lineage.
public struct ModelNode: Sendable, Equatable {
  public var org: String
  public var predecessor: String?
  public var successors: [String] = []
  public var codenames: [String] = []
  public var launched: EventDate?
  /// `active`, `paused`, `retired`, or `unlaunched` when no event about the product itself is known.
  public var status: String = "unlaunched"
  /// The confidence of the product's state entry; nil when it has none.
  public var confidence: Confidence?
  /// How sure each of `codenames` is, in the same order.
  public var codenameConfidences: [Confidence] = []

  init(org: String) { self.org = org }
}
