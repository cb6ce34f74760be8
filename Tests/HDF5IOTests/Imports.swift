import HDF5IO
