@_exported import Linalg
