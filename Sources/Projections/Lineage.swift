import EventLog

/// Model family trees: who succeeded whom (through a launch's `predecessor`),
/// with the codenames each model is known by.
public struct Lineage: Sendable, Equatable {
  public var models: [String: ModelNode] = [:]

  public init() {}

  /// Builds the lineage from events in replay order. A model is any product
  /// launched with `type` model, any product in a predecessor link, and any
  /// subject of a codename.
  public init<Events: Sequence>(folding events: Events) where Events.Element == Event {
    var state = CompetitorState()
    for event in events {
      state.apply(event)
      guard let org = event.org else { continue }
      switch event.kind {
      case .launch:
        guard let subject = event.subject else { continue }
        if case .string(let predecessor)? = event.attrs["predecessor"] {
          touch(subject, org: org)
          touch(predecessor, org: EventSchema.productParts(predecessor)?.org ?? org)
          models[subject]!.predecessor = predecessor
        } else if case .string("model")? = event.attrs["type"] {
          touch(subject, org: org)
        }
      case .codename:
        if let subject = event.subject { touch(subject, org: org) }
      default:
        break
      }
    }
    for (id, node) in models {
      if let predecessor = node.predecessor { models[predecessor]?.successors.append(id) }
    }
    for (id, var node) in models {
      node.successors.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      let orgState = state.orgs[node.org]
      if let product = orgState?.products[id] {
        node.launched = product.launched
        node.status = product.status.rawValue
      }
      node.codenames = (orgState?.codenames ?? [:]).filter { $0.value.subject == id }.map(\.key)
        .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
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

  /// Models with no known predecessor in the lineage, sorted: the roots of the trees.
  public var roots: [String] {
    models.filter { $0.value.predecessor.map { models[$0] == nil } ?? true }.map(\.key)
      .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
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

  init(org: String) { self.org = org }
}
