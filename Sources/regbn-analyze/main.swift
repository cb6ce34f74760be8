import Foundation

Interruption.install()
exit(App.main(Array(CommandLine.arguments.dropFirst())).rawValue)
