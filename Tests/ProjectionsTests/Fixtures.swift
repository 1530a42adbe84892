import EventLog
import Testing

@testable import Projections
