import Foundation

exit(App.main(Array(CommandLine.arguments.dropFirst())).rawValue)
