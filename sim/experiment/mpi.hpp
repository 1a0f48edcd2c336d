#pragma once
// Open MPI, only when the process was started by a launcher (mpirun, srun): the same
// binary runs alone without touching MPI.
#include <string>

namespace corridor {

class MpiSession {
 public:
  // Initialises MPI (funnelled threads: only the main thread calls MPI) if launched.
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};

int mpi_rank();  // 0 without MPI
int mpi_size();  // 1 without MPI
// Ranks sharing this node, for dividing its cores (1 without MPI).
int mpi_local_size();
// Rank 0's success or error message reaches every rank; every rank throws on error.
void mpi_share_outcome(bool ok, std::string& message);
void mpi_barrier();

// Dynamic work distribution. On rank 0, `next_local` hands out work items; remote ranks
// ask for theirs through `serve`. See sweep.cpp.
namespace mpi_pool {
// Rank 0 main thread: answers requests until every other rank has been told to stop.
// `next()` returns the next item or -1; `finished(item, failed)` reports a remote result;
// `idle()` is called between polls.
template <class Next, class Finished, class Idle>
void serve(Next next, Finished finished, Idle idle);
// Other ranks: asks rank 0 for an item, reporting the previous result (item -1: none).
int request(int finished_item, bool failed);
}  // namespace mpi_pool

}  // namespace corridor

#include "sim/experiment/mpi_pool_impl.hpp"
