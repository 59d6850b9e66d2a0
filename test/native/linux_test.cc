// Tests of native/linux on built bytes and against the real kernel; no N-API involved.
// Prints one "ok"/"not ok" line per check and exits non-zero on any failure.
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "../../native/errors.h"
#include "../../native/linux/bytecode.h"
#include "../../native/linux/counters.h"
#include "../../native/linux/messages.h"
#include "../../native/linux/netlink.h"
#include "../../native/ports.h"

using namespace tcpstate;
using namespace tcpstate::linux_backend;

static int failures = 0;

static void Check(bool ok, const std::string& name) {
  std::printf("%s %s\n", ok ? "ok" : "not ok", name.c_str());
  if (!ok) failures++;
}

namespace {

constexpr uint32_t kSeq = 7;
constexpr uint32_t kPort = 4242;

class Collect : public DiagVisitor {
 public:
  void OnSocket(const inet_diag_msg& msg) override { rows.push_back(msg); }
  std::vector<inet_diag_msg> rows;
};

// Appends one netlink message with `payload` to `out`, 4-byte aligned.
void Message(std::vector<uint8_t>* out, uint16_t type, const void* payload, size_t size,
             uint16_t flags = NLM_F_MULTI, uint32_t seq = kSeq, uint32_t pid = kPort) {
  nlmsghdr header = {};
  header.nlmsg_len = static_cast<uint32_t>(NLMSG_LENGTH(size));
  header.nlmsg_type = type;
  header.nlmsg_flags = flags;
  header.nlmsg_seq = seq;
  header.nlmsg_pid = pid;
  size_t at = out->size();
  out->resize(at + NLMSG_ALIGN(header.nlmsg_len), 0);
  std::memcpy(out->data() + at, &header, sizeof(header));
  if (size) std::memcpy(out->data() + at + NLMSG_HDRLEN, payload, size);
}

inet_diag_msg Socket(uint8_t family, uint8_t state, uint16_t sport) {
  inet_diag_msg msg = {};
  msg.idiag_family = family;
  msg.idiag_state = state;
  msg.id.idiag_sport = htons(sport);
  msg.idiag_inode = 99;
  return msg;
}

void Done(std::vector<uint8_t>* out, int32_t status = 0) {
  Message(out, NLMSG_DONE, &status, sizeof(status));
}

void Error(std::vector<uint8_t>* out, int32_t status) {
  nlmsgerr err = {};
  err.error = status;
  Message(out, NLMSG_ERROR, &err, sizeof(err), 0);
}

DumpState Parse(const std::vector<uint8_t>& bytes, Collect* visitor) {
  DumpState state;
  state.seq = kSeq;
  state.portid = kPort;
  ParseDatagram(bytes.data(), bytes.size(), &state, visitor);
  return state;
}

void ParserTests() {
  {
    std::vector<uint8_t> bytes;
    inet_diag_msg a = Socket(AF_INET, 1, 80), b = Socket(AF_INET6, 6, 443);
    Message(&bytes, SOCK_DIAG_BY_FAMILY, &a, sizeof(a));
    Message(&bytes, SOCK_DIAG_BY_FAMILY, &b, sizeof(b));
    Done(&bytes);
    Collect c;
    DumpState s = Parse(bytes, &c);
    Check(s.error.ok() && s.done && !s.interrupted && c.rows.size() == 2 && s.sockets == 2,
          "two sockets then NLMSG_DONE");
    SocketRecord r;
    ToRecord(c.rows[1], &r);
    Check(r.family == kIPv6 && r.state == 6 && r.localPort == 443 && r.inode == 99,
          "a message converts to a record");
  }
  {
    // One record serves every message of a dump: an IPv4 socket after a link-local IPv6 one
    // keeps nothing of it (its scope ids once split one destination in two).
    inet_diag_msg v6 = Socket(AF_INET6, 1, 5000);
    const uint8_t linkLocal[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    std::memcpy(v6.id.idiag_src, linkLocal, 16);
    std::memcpy(v6.id.idiag_dst, linkLocal, 16);
    v6.id.idiag_if = 3;
    v6.idiag_expires = 777;
    inet_diag_msg v4 = Socket(AF_INET, 6, 40000);
    v4.id.idiag_src[0] = htonl(0x7f000001);
    v4.id.idiag_dst[0] = htonl(0x7f000001);
    SocketRecord r;
    ToRecord(v6, &r);
    Check(r.localScope == 3 && r.remoteScope == 3, "a link-local IPv6 socket carries its interface as scope id");
    ToRecord(v4, &r);
    SocketRecord fresh;
    ToRecord(v4, &fresh);
    Check(r.localScope == 0 && r.remoteScope == 0 && r.timerMs == 0 &&
              std::memcmp(&r.localAddress, &fresh.localAddress, 16) == 0 &&
              std::memcmp(&r.remoteAddress, &fresh.remoteAddress, 16) == 0 && r.localAddress[4] == 0,
          "an IPv4 socket converted into a reused record keeps nothing of the IPv6 one before it");
  }
  {
    // A message that carries attributes after inet_diag_msg, as the kernel sends.
    std::vector<uint8_t> payload(sizeof(inet_diag_msg) + 12, 0xab);
    inet_diag_msg a = Socket(AF_INET, 10, 22);
    std::memcpy(payload.data(), &a, sizeof(a));
    std::vector<uint8_t> bytes;
    Message(&bytes, SOCK_DIAG_BY_FAMILY, payload.data(), payload.size());
    Collect c;
    DumpState s = Parse(bytes, &c);
    Check(s.error.ok() && !s.done && c.rows.size() == 1, "attributes after the message are skipped");
  }
  {
    // The one-walk compat request answers with its own message type.
    std::vector<uint8_t> bytes;
    inet_diag_msg a = Socket(AF_INET, 1, 80), b = Socket(AF_INET6, 10, 443);
    Message(&bytes, TCPDIAG_GETSOCK, &a, sizeof(a));
    Message(&bytes, SOCK_DIAG_BY_FAMILY, &b, sizeof(b));
    Done(&bytes);
    Collect c;
    DumpState s;
    s.type = TCPDIAG_GETSOCK;
    s.seq = kSeq;
    s.portid = kPort;
    ParseDatagram(bytes.data(), bytes.size(), &s, &c);
    Check(s.error.ok() && s.done && c.rows.size() == 1 && c.rows[0].idiag_state == 1,
          "sockets come in the request's own message type only");
  }
  {
    std::vector<uint8_t> bytes;
    Error(&bytes, -EPERM);
    Collect c;
    DumpState s = Parse(bytes, &c);
    Check(s.done && s.error.code == kPermissionDenied && s.error.errnum == EPERM && c.rows.empty(),
          "NLMSG_ERROR before any data ends the dump with the error");
  }
  {
    std::vector<uint8_t> bytes;
    Error(&bytes, -ENOENT);
    Collect c;
    Check(Parse(bytes, &c).error.code == kDiagUnavailable, "ENOENT from the kernel means no inet_diag");
  }
  {
    std::vector<uint8_t> bytes;
    Error(&bytes, 0);
    Collect c;
    Check(Parse(bytes, &c).error.code == kProtocolError, "an ACK in place of a dump is an error");
  }
  {
    std::vector<uint8_t> bytes;
    Done(&bytes, -EINTR);
    Collect c;
    DumpState s = Parse(bytes, &c);
    Check(s.done && !s.error.ok() && s.error.errnum == EINTR, "a negative NLMSG_DONE status is an error");
  }
  {
    std::vector<uint8_t> bytes;
    Done(&bytes, INT32_MIN);  // found by fuzzing: -INT32_MIN overflows
    Collect c;
    DumpState s = Parse(bytes, &c);
    Check(s.done && s.error.code == kProtocolError && s.error.errnum == EPROTO,
          "an NLMSG_DONE status of INT32_MIN is a protocol error");
  }
  {
    std::vector<uint8_t> bytes;
    inet_diag_msg a = Socket(AF_INET, 1, 80);
    Message(&bytes, SOCK_DIAG_BY_FAMILY, &a, sizeof(a), NLM_F_MULTI | NLM_F_DUMP_INTR);
    Done(&bytes);
    Collect c;
    DumpState s = Parse(bytes, &c);
    Check(s.error.ok() && s.interrupted && c.rows.size() == 1, "NLM_F_DUMP_INTR is surfaced");
  }
  {
    std::vector<uint8_t> bytes;
    inet_diag_msg a = Socket(AF_INET, 1, 80);
    Message(&bytes, SOCK_DIAG_BY_FAMILY, &a, sizeof(a), NLM_F_MULTI, kSeq + 1);
    Message(&bytes, SOCK_DIAG_BY_FAMILY, &a, sizeof(a), NLM_F_MULTI, kSeq, kPort + 1);
    Message(&bytes, SOCK_DIAG_BY_FAMILY, &a, sizeof(a));
    Collect c;
    DumpState s = Parse(bytes, &c);
    Check(s.error.ok() && c.rows.size() == 1 && s.foreign == 2, "messages of another seq or port are skipped");
  }
  {
    std::vector<uint8_t> bytes(sizeof(nlmsghdr), 0);  // nlmsg_len 0 would loop forever if trusted
    Collect c;
    Check(Parse(bytes, &c).error.code == kProtocolError, "a zero nlmsg_len is an error");
  }
  {
    std::vector<uint8_t> bytes;
    inet_diag_msg a = Socket(AF_INET, 1, 80);
    Message(&bytes, SOCK_DIAG_BY_FAMILY, &a, sizeof(a));
    bytes.resize(bytes.size() - 8);  // the datagram ends inside the message
    Collect c;
    Check(Parse(bytes, &c).error.code == kProtocolError && c.rows.empty(),
          "a length past the datagram is an error");
  }
  {
    std::vector<uint8_t> bytes;
    uint8_t shortPayload[8] = {AF_INET, 1};
    Message(&bytes, SOCK_DIAG_BY_FAMILY, shortPayload, sizeof(shortPayload));
    Collect c;
    Check(Parse(bytes, &c).error.code == kProtocolError, "a truncated inet_diag_msg is an error");
  }
  {
    std::vector<uint8_t> bytes;
    inet_diag_msg a = Socket(AF_UNIX, 1, 80);
    Message(&bytes, SOCK_DIAG_BY_FAMILY, &a, sizeof(a));
    Collect c;
    Check(Parse(bytes, &c).error.code == kProtocolError, "an unknown family is an error");
  }
  {
    std::vector<uint8_t> bytes;
    inet_diag_msg a = Socket(AF_INET, 1, 80);
    Message(&bytes, SOCK_DIAG_BY_FAMILY, &a, sizeof(a));
    bytes.push_back(0);
    bytes.push_back(0);
    Collect c;
    Check(Parse(bytes, &c).error.code == kProtocolError, "trailing bytes are an error");
  }
}

struct Op {
  uint8_t code, yes;
  uint16_t no;
};

Op OpAt(const std::vector<uint8_t>& program, size_t at) {
  Op op;
  std::memcpy(&op, program.data() + at, sizeof(op));
  return op;
}

void BytecodeTests() {
  Query none;
  Check(BuildBytecode(none).empty(), "no filter, no bytecode");

  Query all;
  all.localPort = {true, 1000, 2000};
  all.remotePort = {true, 3306, 3306};
  all.localAddress.set = true;
  all.localAddress.family = kIPv4;
  all.localAddress.prefix = 8;
  all.localAddress.bytes[0] = 10;
  all.remoteAddress.set = true;
  all.remoteAddress.family = kIPv6;
  all.remoteAddress.prefix = 128;
  all.remoteAddress.bytes[15] = 1;
  std::vector<uint8_t> program = BuildBytecode(all);
  size_t hostcond4 = 4 + sizeof(inet_diag_hostcond) + 4, hostcond6 = 4 + sizeof(inet_diag_hostcond) + 16;
  Check(program.size() == 4 * 8 + hostcond4 + hostcond6, "the program has every condition");
  // Walk it as the kernel's audit does: `yes` steps to the next op, `no` rejects.
  const uint8_t codes[] = {INET_DIAG_BC_S_GE, INET_DIAG_BC_S_LE, INET_DIAG_BC_D_GE,
                           INET_DIAG_BC_D_LE, INET_DIAG_BC_S_COND, INET_DIAG_BC_D_COND};
  const uint16_t ports[] = {1000, 2000, 3306, 3306};
  size_t at = 0;
  bool sound = true;
  for (int i = 0; i < 6; i++) {
    Op op = OpAt(program, at);
    sound = sound && op.code == codes[i] && op.no == program.size() - at + 4 && op.yes % 4 == 0;
    if (i < 4) sound = sound && op.yes == 8 && OpAt(program, at + 4).no == ports[i];
    at += op.yes;
  }
  Check(sound && at == program.size(), "conditions chain by yes and reject past the end");
  inet_diag_hostcond cond;
  std::memcpy(&cond, program.data() + 32 + 4, sizeof(cond));
  Check(cond.family == AF_INET && cond.prefix_len == 8 && cond.port == -1 &&
            program[32 + 4 + sizeof(cond)] == 10,
        "an IPv4 host condition carries family, prefix and address");

  Query fullRange;
  fullRange.localPort = {true, 0, 65535};
  Check(BuildBytecode(fullRange).empty(), "a full port range needs no condition");
}

// /proc/net/snmp and /proc/net/netstat as captured on a Linux 6.18 host (test/fuzz/corpus/counters).
const char kCapturedSnmp[] =
    "Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams "
    "InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout "
    "ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates OutTransmits\n"
    "Ip: 1 64 26968 0 0 0 0 0 26968 18738 0 0 0 0 0 0 0 0 0 18738\n"
    "Icmp: InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs "
    "InRedirects InEchos InEchoReps InTimestamps InTimestampReps InAddrMasks InAddrMaskReps "
    "OutMsgs OutErrors OutRateLimitGlobal OutRateLimitHost OutDestUnreachs OutTimeExcds "
    "OutParmProbs OutSrcQuenchs OutRedirects OutEchos OutEchoReps OutTimestamps "
    "OutTimestampReps OutAddrMasks OutAddrMaskReps\n"
    "Icmp: 1 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
    "IcmpMsg: InType3\n"
    "IcmpMsg: 1\n"
    "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets "
    "CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors\n"
    "Tcp: 1 200 120000 -1 247 88 46 0 0 26747 18517 0 0 248 0\n"
    "Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors "
    "IgnoredMulti MemErrors\n"
    "Udp: 220 0 0 221 0 0 0 0 0\n"
    "UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors "
    "IgnoredMulti MemErrors\n"
    "UdpLite: 0 0 0 0 0 0 0 0 0\n";
const char kCapturedNetstat[] =
    "TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts PruneCalled "
    "RcvPruned OfoPruned OutOfWindowIcmps LockDroppedIcmps ArpFilter TW TWRecycled TWKilled "
    "PAWSActive PAWSEstab BeyondWindow TSEcrRejected PAWSOldAck PAWSTimewait DelayedACKs "
    "DelayedACKLocked DelayedACKLost ListenOverflows ListenDrops TCPHPHits TCPPureAcks "
    "TCPHPAcks TCPRenoRecovery TCPSackRecovery TCPSACKReneging TCPSACKReorder TCPRenoReorder "
    "TCPTSReorder TCPFullUndo TCPPartialUndo TCPDSACKUndo TCPLossUndo TCPLostRetransmit "
    "TCPRenoFailures TCPSackFailures TCPLossFailures TCPFastRetrans TCPSlowStartRetrans "
    "TCPTimeouts TCPLossProbes TCPLossProbeRecovery TCPRenoRecoveryFail TCPSackRecoveryFail "
    "TCPRcvCollapsed TCPBacklogCoalesce TCPDSACKOldSent TCPDSACKOfoSent TCPDSACKRecv "
    "TCPDSACKOfoRecv TCPAbortOnData TCPAbortOnClose TCPAbortOnMemory TCPAbortOnTimeout "
    "TCPAbortOnLinger TCPAbortFailed TCPMemoryPressures TCPMemoryPressuresChrono "
    "TCPSACKDiscard TCPDSACKIgnoredOld TCPDSACKIgnoredNoUndo TCPSpuriousRTOs TCPMD5NotFound "
    "TCPMD5Unexpected TCPMD5Failure TCPSackShifted TCPSackMerged TCPSackShiftFallback "
    "TCPBacklogDrop PFMemallocDrop TCPMinTTLDrop TCPDeferAcceptDrop IPReversePathFilter "
    "TCPTimeWaitOverflow TCPReqQFullDoCookies TCPReqQFullDrop TCPRetransFail TCPRcvCoalesce "
    "TCPOFOQueue TCPOFODrop TCPOFOMerge TCPChallengeACK TCPSYNChallenge TCPFastOpenActive "
    "TCPFastOpenActiveFail TCPFastOpenPassive TCPFastOpenPassiveFail TCPFastOpenListenOverflow "
    "TCPFastOpenCookieReqd TCPFastOpenBlackhole TCPSpuriousRtxHostQueues BusyPollRxPackets "
    "TCPAutoCorking TCPFromZeroWindowAdv TCPToZeroWindowAdv TCPWantZeroWindowAdv TCPSynRetrans "
    "TCPOrigDataSent TCPHystartTrainDetect TCPHystartTrainCwnd TCPHystartDelayDetect "
    "TCPHystartDelayCwnd TCPACKSkippedSynRecv TCPACKSkippedPAWS TCPACKSkippedSeq "
    "TCPACKSkippedFinWait2 TCPACKSkippedTimeWait TCPACKSkippedChallenge TCPWinProbe "
    "TCPKeepAlive TCPMTUPFail TCPMTUPSuccess TCPDelivered TCPDeliveredCE TCPAckCompressed "
    "TCPZeroWindowDrop TCPRcvQDrop TCPWqueueTooBig TCPFastOpenPassiveAltKey TcpTimeoutRehash "
    "TcpDuplicateDataRehash TCPDSACKRecvSegs TCPDSACKIgnoredDubious TCPMigrateReqSuccess "
    "TCPMigrateReqFailure TCPPLBRehash TCPAORequired TCPAOBad TCPAOKeyNotFound TCPAOGood "
    "TCPAODroppedIcmps\n"
    "TcpExt: 0 0 0 0 0 0 0 0 0 0 99 0 0 0 0 0 0 0 0 35 0 264 0 0 191 1241 236 0 0 0 0 0 0 0 0 "
    "0 0 0 0 0 0 0 0 2 0 0 0 0 0 462 264 0 0 0 101 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 "
    "0 0 0 0 18275 0 0 0 0 0 0 0 0 0 0 0 0 2 0 0 1753 1753 656 0 2699 0 0 0 0 0 0 0 0 0 0 0 "
    "852 0 0 2899 0 0 0 0 0 0 2 0 0 0 0 0 0 0 0 0 0 0\n"
    "IpExt: InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts "
    "InOctets OutOctets InMcastOctets OutMcastOctets InBcastOctets OutBcastOctets InCsumErrors "
    "InNoECTPkts InECT1Pkts InECT0Pkts InCEPkts ReasmOverlaps\n"
    "IpExt: 0 0 0 2 0 0 1108187091 2265588 0 80 0 0 0 26968 0 0 0 0\n"
    "MPTcpExt: MPCapableSYNRX MPCapableSYNTX MPCapableSYNACKRX MPCapableACKRX "
    "MPCapableFallbackACK MPCapableFallbackSYNACK MPCapableSYNTXDrop MPCapableSYNTXDisabled "
    "MPCapableEndpAttempt MPFallbackTokenInit MPTCPRetrans MPJoinNoTokenFound MPJoinSynRx "
    "MPJoinSynBackupRx MPJoinSynAckRx MPJoinSynAckBackupRx MPJoinSynAckHMacFailure MPJoinAckRx "
    "MPJoinAckHMacFailure MPJoinRejected MPJoinSynTx MPJoinSynTxCreatSkErr MPJoinSynTxBindErr "
    "MPJoinSynTxConnectErr DSSNotMatching DSSCorruptionFallback DSSCorruptionReset "
    "InfiniteMapTx InfiniteMapRx DSSNoMatchTCP DataCsumErr OFOQueueTail OFOQueue OFOMerge "
    "NoDSSInWindow DuplicateData AddAddr AddAddrTx AddAddrTxDrop EchoAdd EchoAddTx "
    "EchoAddTxDrop PortAdd AddAddrDrop MPJoinPortSynRx MPJoinPortSynAckRx MPJoinPortAckRx "
    "MismatchPortSynRx MismatchPortAckRx RmAddr RmAddrDrop RmAddrTx RmAddrTxDrop RmSubflow "
    "MPPrioTx MPPrioRx MPFailTx MPFailRx MPFastcloseTx MPFastcloseRx MPRstTx MPRstRx "
    "SubflowStale SubflowRecover SndWndShared RcvWndShared RcvWndConflictUpdate RcvWndConflict "
    "MPCurrEstab Blackhole MPCapableDataFallback MD5SigFallback DssFallback "
    "SimultConnectFallback FallbackFailed WinProbe\n"
    "MPTcpExt: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 "
    "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

// The counters ReadCounters asks each file for (native/linux/counters.cc).
const CounterSource* const kSnmpSources = kSnmpCounters;
const CounterSource* const kNetstatSources = kNetstatCounters;
const size_t kSnmpCount = kSnmpCounterCount;
const size_t kNetstatCount = kNetstatCounterCount;

Counters ParseSnmp(const std::string& text) {
  Counters out;
  ParseCounters(text, kSnmpSources, kSnmpCount, &out);
  return out;
}

Counters ParseNetstat(const std::string& text) {
  Counters out;
  ParseCounters(text, kNetstatSources, kNetstatCount, &out);
  return out;
}

size_t PresentCount(const Counters& c) {
  size_t n = 0;
  for (bool present : c.present) n += present ? 1 : 0;
  return n;
}

bool Has(const Counters& c, Counter counter, double value) {
  return c.present[counter] && c.values[counter] == value;
}

void CounterTests() {
  // The captured files: Tcp: ... RtoMin RtoMax MaxConn(-1) ActiveOpens 247 PassiveOpens 88
  // AttemptFails 46 EstabResets 0; TcpExt: ... TW 99 TWRecycled 0 TWKilled 0
  // ListenOverflows 0 ListenDrops 0 ... TCPTimeWaitOverflow 0.
  Counters snmp = ParseSnmp(kCapturedSnmp);
  Check(Has(snmp, kActiveOpens, 247) && Has(snmp, kPassiveOpens, 88) && Has(snmp, kAttemptFails, 46) &&
            Has(snmp, kEstabResets, 0) && PresentCount(snmp) == 4,
        "a captured /proc/net/snmp gives its four Tcp counters (MaxConn -1 does not spoil the table)");
  Counters netstat = ParseNetstat(kCapturedNetstat);
  Check(Has(netstat, kTimeWaitExpired, 99) && Has(netstat, kTimeWaitRecycled, 0) &&
            Has(netstat, kTimeWaitKilled, 0) && Has(netstat, kTimeWaitOverflow, 0) &&
            Has(netstat, kListenOverflows, 0) && Has(netstat, kListenDrops, 0) && PresentCount(netstat) == 6,
        "a captured /proc/net/netstat gives its six TcpExt counters");
  Counters both;
  ParseCounters(kCapturedSnmp, kSnmpSources, kSnmpCount, &both);
  ParseCounters(kCapturedNetstat, kNetstatSources, kNetstatCount, &both);
  Check(PresentCount(both) == 10 && Has(both, kActiveOpens, 247) && Has(both, kTimeWaitExpired, 99),
        "the two files parsed into one result keep each other's counters");
  Check(PresentCount(ParseNetstat(kCapturedSnmp)) == 0 && PresentCount(ParseSnmp(kCapturedNetstat)) == 0,
        "a file without the asked tables gives nothing (snmp has no TcpExt, netstat no Tcp)");

  Counters some = ParseSnmp("Tcp: ActiveOpens Other\nTcp: 5 6\n");
  Check(Has(some, kActiveOpens, 5) && PresentCount(some) == 1, "a name the text lacks stays absent");
  Check(Has(ParseSnmp("Tcp: EstabResets ActiveOpens\nTcp: 3 4\n"), kActiveOpens, 4) &&
            Has(ParseSnmp("Tcp: EstabResets ActiveOpens\nTcp: 3 4\n"), kEstabResets, 3),
        "values are taken by the position of their name, in any order");
  Check(Has(ParseSnmp("Tcp: ActiveOpens\nTcp: 5"), kActiveOpens, 5), "a value line without a final newline");
  Check(Has(ParseSnmp("Tcp:  ActiveOpens   PassiveOpens \nTcp: 5  6 \n"), kPassiveOpens, 6),
        "runs of spaces separate fields like one space");
  Check(Has(ParseSnmp("Garbage\nTcp: ActiveOpens\nTcp: 7\n"), kActiveOpens, 7),
        "a stray line before a table does not shift the pairing");
  Check(Has(ParseSnmp("Tcp: ActiveOpens\nTcp: ActiveOpens\nTcp: 8\n"), kActiveOpens, 8),
        "a repeated header pairs with the value line after it");

  Check(PresentCount(ParseSnmp("Tcp: ActiveOpens PassiveOpens\nTcp: 5\n")) == 0,
        "a value line with fewer fields than its header is ignored whole");
  Check(PresentCount(ParseSnmp("Tcp: ActiveOpens PassiveOpens\nTcp: 5 6 7\n")) == 0,
        "a value line with more fields than its header is ignored whole");
  Check(PresentCount(ParseSnmp("Tcp: ActiveOpens PassiveOpens\nUdp: 5 6\n")) == 0,
        "a value line of another prefix is no value line");
  Check(PresentCount(ParseSnmp("Tcp: ActiveOpens PassiveOpens\nTcp: 5 x\n")) == 0,
        "a value line with a non-number field is ignored whole");
  for (const char* bad : {"1.5", "+5", "0x10", "5a", "5,6"}) {
    Check(PresentCount(ParseSnmp(std::string("Tcp: ActiveOpens PassiveOpens\nTcp: 5 ") + bad + "\n")) == 0,
          std::string("a value \"") + bad + "\" leaves the table out whole");
  }
  Check(PresentCount(ParseSnmp("Tcp: ActiveOpens PassiveOpens\nTcp: 5 \xff\n")) == 0,
        "a value byte 0xff leaves the table out whole");
  Counters negative = ParseSnmp("Tcp: ActiveOpens PassiveOpens\nTcp: -1 7\n");
  Check(!negative.present[kActiveOpens] && Has(negative, kPassiveOpens, 7),
        "a negative value (as MaxConn -1) is no counter, the rest of its table stands");
  Counters dashes = ParseSnmp("Tcp: ActiveOpens PassiveOpens\nTcp: 5- 7\n");
  Check(!dashes.present[kActiveOpens] && Has(dashes, kPassiveOpens, 7), "a dash inside digits is no counter");

  Check(PresentCount(ParseNetstat("TcpExtra: TW ListenDrops\nTcpExtra: 5 6\n")) == 0,
        "a prefix that only starts like TcpExt: (TcpExtra:) does not match");
  Check(PresentCount(ParseNetstat("Tcp: TW ListenDrops\nTcp: 5 6\n")) == 0,
        "a prefix that TcpExt only starts like (Tcp:) does not match");
  Check(PresentCount(ParseSnmp("Tc: ActiveOpens\nTc: 5\n")) == 0 &&
            PresentCount(ParseSnmp("Tcpx: ActiveOpens\nTcpx: 5\n")) == 0 &&
            PresentCount(ParseSnmp("xTcp: ActiveOpens\nxTcp: 5\n")) == 0,
        "Tc:, Tcpx: and xTcp: are not Tcp:");
  Check(PresentCount(ParseSnmp("Tcp ActiveOpens\nTcp 5\n")) == 0, "a prefix without its colon does not match");
  Check(Has(ParseNetstat("TcpExt: TW\nTcpExt: 5\n"), kTimeWaitExpired, 5) &&
            PresentCount(ParseNetstat("TcpExt: TWx TW2 xTW\nTcpExt: 1 2 3\n")) == 0,
        "names match whole: TW is neither TWx, TW2 nor xTW");

  Check(Has(ParseSnmp("Tcp: ActiveOpens\nTcp: 9007199254740992\n"), kActiveOpens, 9007199254740992.0),
        "2^53 is kept exactly");
  Check(Has(ParseSnmp("Tcp: ActiveOpens\nTcp: 9007199254740993\n"), kActiveOpens,
            static_cast<double>(9007199254740993ull)),
        "2^53 + 1 is kept as the nearest double");
  Check(Has(ParseSnmp("Tcp: ActiveOpens\nTcp: 18446744073709551615\n"), kActiveOpens,
            static_cast<double>(18446744073709551615ull)),
        "2^64 - 1, the largest counter, is kept as the nearest double");
  for (const char* over : {"18446744073709551616", "99999999999999999999", "184467440737095516150"}) {
    Counters big = ParseSnmp(std::string("Tcp: ActiveOpens PassiveOpens\nTcp: ") + over + " 3\n");
    Check(!big.present[kActiveOpens] && Has(big, kPassiveOpens, 3),
          std::string("a value beyond 2^64 (") + over + ") is no counter, the rest of its table stands");
  }

  Check(PresentCount(ParseSnmp("")) == 0, "empty text gives nothing");
  Check(PresentCount(ParseSnmp("\n\n\n")) == 0, "blank lines give nothing");
  Check(PresentCount(ParseSnmp("Tcp: ActiveOpens PassiveOpens\n")) == 0, "a header without its value line gives nothing");
  Check(PresentCount(ParseSnmp("Tcp:\nTcp:\n")) == 0, "a table without fields gives nothing");
  const char nul[] = "Tcp: Active\0Opens\nTcp: 5\n";
  Check(PresentCount(ParseSnmp(std::string(nul, sizeof(nul) - 1))) == 0,
        "a NUL inside a name keeps it from matching");
}

uint32_t SockstatTw(const std::string& text, bool* ok) {
  uint32_t value = 12345;
  *ok = ParseSockstatTimeWait(text, &value);
  return value;
}

bool TwIs(const std::string& text, uint32_t expected) {
  bool ok = false;
  uint32_t value = SockstatTw(text, &ok);
  return ok && value == expected;
}

bool NoTw(const std::string& text) {
  bool ok = true;
  uint32_t value = SockstatTw(text, &ok);
  return !ok && value == 12345;  // untouched
}

void SockstatTests() {
  // Captured from a namespace with 69 TIME_WAIT sockets (Linux 6.18).
  const char captured[] =
      "sockets: used 12\n"
      "TCP: inuse 2 orphan 0 tw 69 alloc 3 mem 1\n"
      "UDP: inuse 0 mem 0\n"
      "UDPLITE: inuse 0\n"
      "RAW: inuse 0\n"
      "FRAG: inuse 0 memory 0\n";
  Check(TwIs(captured, 69), "a captured /proc/net/sockstat gives its TCP tw");
  Check(TwIs("TCP: tw 0", 0), "tw 0 without a final newline");
  Check(TwIs("TCP: inuse 1 orphan 2 tw 4294967295 alloc 1 mem 1\n", 4294967295u), "2^32 - 1 is kept");
  Check(NoTw("TCP: inuse 1 orphan 2 tw 4294967296 alloc 1 mem 1\n"), "2^32 is no count");
  Check(TwIs("TCP:  inuse  1   tw  7 \n", 7), "runs of spaces separate fields like one space");
  Check(NoTw("TCP6: inuse 1 tw 5\n") && NoTw("xTCP: tw 5\n") && NoTw("Tcp: tw 5\n") && NoTw("TCP tw 5\n"),
        "only the line that starts with TCP: counts");
  Check(NoTw("TCP: inuse 1 orphan 0 alloc 1\n"), "a TCP: line without tw gives nothing");
  Check(NoTw("TCP: inuse tw orphan 3\n"), "tw counts only at a name's position (fields pair up as name, value)");
  Check(NoTw("TCP: inuse 1 tw\n"), "tw without its value gives nothing");
  for (const char* bad : {"-1", "1.5", "+5", "0x10", "5a", ""}) {
    Check(NoTw(std::string("TCP: inuse 1 tw ") + bad + " alloc 1\n"), std::string("a value \"") + bad + "\" is no count");
  }
  Check(NoTw("") && NoTw("\n\n") && NoTw("sockets: used 3\n"), "text without a TCP: line gives nothing");
  Check(NoTw("TCP: inuse 1\nTCP: tw 5\n"), "only the first TCP: line is read");
  const char nul[] = "TCP: inuse 1 t\0w 5\n";
  Check(NoTw(std::string(nul, sizeof(nul) - 1)), "a NUL inside a name keeps it from matching");
}

void PortListTests() {
  PortRanges ranges;
  Check(ParsePortList("", &ranges) && ranges.empty(), "an empty reserved list");
  Check(ParsePortList("\n", &ranges) && ranges.empty(), "a blank reserved list");
  Check(ParsePortList("8080,9000-9010\n", &ranges) && ranges.size() == 2 &&
            CountInRange(ranges, 9000, 9005) == 6 && CountInRange(ranges, 1, 65535) == 12,
        "ports and ranges, counted inside a range");
  Check(ParsePortList(" 1 - 3 , 5 ", &ranges) && CountInRange(ranges, 0, 65535) == 4,
        "spaces around ports and dashes");
  Check(ParsePortList("1-3,2-4,3", &ranges) && CountInRange(ranges, 0, 65535) == 4,
        "overlapping ranges count each port once");
  Check(ParsePortList("0-65535", &ranges) && CountInRange(ranges, 32768, 60999) == 28232,
        "the whole port space");
  for (const char* bad : {"70000", "5-3", "a", "1,,2", "1,", ",1", "1-", "-1", "1 2", "99999999999999999999"}) {
    Check(!ParsePortList(bad, &ranges) && ranges.empty(), std::string("rejects \"") + bad + "\"");
  }
}

class Count : public DiagVisitor {
 public:
  void OnSocket(const inet_diag_msg&) override { n++; }
  size_t n = 0;
};

void KernelTests() {
  DiagSocket socket;
  SysError err = socket.Open();
  Check(err.ok(), "a NETLINK_SOCK_DIAG socket opens: " + err.message);
  Check(socket.buffer_size() >= 32768, "the receive buffer holds at least 32 KiB");
  if (!err.ok()) return;

  // The kernel refuses a malformed program before sending any data: the dump must end, not hang.
  std::vector<uint8_t> bad = {99, 4, 8, 0};
  Count count;
  bool interrupted = false;
  size_t truncated = 0;
  err = socket.Dump(AF_INET, 1u << 10, bad, &count, &interrupted, &truncated);
  Check(!err.ok() && err.errnum == EINVAL && count.n == 0, "a bytecode the kernel rejects is EINVAL");

  // The same socket works again afterwards.
  err = socket.Dump(AF_INET, 0x1ffe, {}, &count, &interrupted, &truncated);
  Check(err.ok(), "the socket dumps again after an error");

  // A listener of our own shows up through a kernel-side port filter.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool listening = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 && listen(fd, 1) == 0;
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  Query query;
  query.localPort = {true, ntohs(addr.sin_port), ntohs(addr.sin_port)};
  Collect found;
  err = socket.Dump(AF_INET, 1u << 10, BuildBytecode(query), &found, &interrupted, &truncated);
  Check(listening && err.ok() && found.rows.size() == 1 && found.rows[0].idiag_state == 10 &&
            ntohs(found.rows[0].id.idiag_sport) == ntohs(addr.sin_port),
        "the kernel returns exactly our listener");
  Collect walked;
  uint64_t delivered = 0;
  err = socket.Dump(AF_UNSPEC, 1u << 10, BuildBytecode(query), &walked, &interrupted, &truncated,
                    &delivered);
  Check(err.ok() && walked.rows.size() == 1 && delivered == 1 && walked.rows[0].idiag_family == AF_INET,
        "the one-walk request returns it too");
  close(fd);
}

}  // namespace

int main() {
  ParserTests();
  BytecodeTests();
  PortListTests();
  CounterTests();
  SockstatTests();
  KernelTests();
  std::printf("%d failed\n", failures);
  return failures == 0 ? 0 : 1;
}
