#include "sim/experiment/mpi.hpp"

#include <mpi.h>

#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "sim/error.hpp"

namespace corridor {

namespace {
bool g_active = false;
constexpr int kTagRequest = 101, kTagReply = 102;

bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(v)) return true;
  return false;
}
}  // namespace

MpiSession::MpiSession(int& argc, char**& argv) {
  if (!launched_by_mpi()) return;
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  if (provided < MPI_THREAD_FUNNELED)
    throw std::runtime_error("the MPI library does not support funnelled threads");
  g_active = true;
}

MpiSession::~MpiSession() {
  if (g_active) MPI_Finalize();
  g_active = false;
}

int mpi_rank() {
  if (!g_active) return 0;
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int mpi_size() {
  if (!g_active) return 1;
  int s = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

int mpi_local_size() {
  if (!g_active) return 1;
  MPI_Comm local;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local);
  int n = 1;
  MPI_Comm_size(local, &n);
  MPI_Comm_free(&local);
  return n;
}

void mpi_share_outcome(bool ok, std::string& message) {
  if (!g_active) return;
  int flag = ok ? 1 : 0;
  MPI_Bcast(&flag, 1, MPI_INT, 0, MPI_COMM_WORLD);
  int len = static_cast<int>(message.size());
  MPI_Bcast(&len, 1, MPI_INT, 0, MPI_COMM_WORLD);
  message.resize(len);
  if (len) MPI_Bcast(message.data(), len, MPI_CHAR, 0, MPI_COMM_WORLD);
  if (!flag) throw InputError("", 0, "", message);
}

void mpi_barrier() {
  if (g_active) MPI_Barrier(MPI_COMM_WORLD);
}

namespace mpi_pool {

bool poll_request(int& source, int& finished_item, bool& failed) {
  int flag = 0;
  MPI_Status st;
  MPI_Iprobe(MPI_ANY_SOURCE, kTagRequest, MPI_COMM_WORLD, &flag, &st);
  if (!flag) return false;
  int msg[2];
  MPI_Recv(msg, 2, MPI_INT, st.MPI_SOURCE, kTagRequest, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  source = st.MPI_SOURCE;
  finished_item = msg[0];
  failed = msg[1] != 0;
  return true;
}

void reply(int dest, int item) {
  MPI_Send(&item, 1, MPI_INT, dest, kTagReply, MPI_COMM_WORLD);
}

int request(int finished_item, bool failed) {
  int msg[2] = {finished_item, failed ? 1 : 0}, item = -1;
  MPI_Send(msg, 2, MPI_INT, 0, kTagRequest, MPI_COMM_WORLD);
  MPI_Recv(&item, 1, MPI_INT, 0, kTagReply, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return item;
}

}  // namespace mpi_pool

}  // namespace corridor
