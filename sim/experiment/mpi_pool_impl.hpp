#pragma once
// Template part of the rank-0 server loop (the MPI calls themselves are in mpi.cpp).
#include <chrono>
#include <thread>

namespace corridor::mpi_pool {

// One pending request, if any: returns false when none arrived.
bool poll_request(int& source, int& finished_item, bool& failed);
void reply(int dest, int item);

template <class Next, class Finished, class Idle>
void serve(Next next, Finished finished, Idle idle) {
  int active = mpi_size() - 1;
  while (active > 0) {
    int source = 0, item = -1;
    bool failed = false;
    if (!poll_request(source, item, failed)) {
      idle();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    if (item >= 0) finished(item, failed);
    const int give = next();
    reply(source, give);
    if (give < 0) --active;
  }
}

}  // namespace corridor::mpi_pool
