# Dependencies, all from Debian's packages (scripts/install-deps.sh installs them).
find_package(Boost 1.74 REQUIRED CONFIG COMPONENTS program_options)
find_package(TBB REQUIRED CONFIG)
find_package(HDF5 REQUIRED COMPONENTS C HL)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(yaml-cpp REQUIRED CONFIG)
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)
find_package(MPI REQUIRED COMPONENTS CXX)
find_package(NLopt REQUIRED CONFIG)             # NLopt::nlopt (the C library under nlopt.hpp; libnlopt-cxx-dev)
