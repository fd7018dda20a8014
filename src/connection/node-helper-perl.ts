// The node helper's Perl source (see node-ops.ts). Perl, because Debian and Raspberry Pi OS
// always have perl-base; only builtins at start (loading a module costs as much as a process),
// Digest::SHA and MIME::Base64 only when first asked for, and none of them required: without one,
// its operation falls back to the tool. Written for Perl 5.10 and later.
//
// Started in the foreground by the shared shell: it opens both FIFOs read-write (no open blocks,
// ever), forks, and the parent writes the server's pid into the reply FIFO and exits 0, so a
// helper that cannot start leaves the shell with no helper rather than a hung open.
//
// A request is NUL-terminated fields: where errors go (e: stderr, o: stdout, n: nowhere), the
// caller's $QUOTING_STYLE, argc, argv. The reply is one line: the exit status, or "-" for "not
// served: run the tool", decided before anything is changed. Output goes straight to the
// shell's stdout, which the caller checked is the helper's too.
export const NODE_HELPER_PERL = String.raw`use strict;
my ($in, $out, $shell) = @ARGV;
open(my $req, '+<', $in) or exit 1;
open(my $rep, '+<', $out) or exit 1;
my $bye = sub { unlink $in, $out; exit 0 };
# All set before the fork: the shell may send a request, or end, the moment it has the pid.
$SIG{TERM} = $SIG{HUP} = $SIG{INT} = $bye;
$SIG{PIPE} = 'IGNORE';
# The channel's stderr came as fd 3 (the parent's own went nowhere, for a failed start).
open(STDERR, '>&', 3) or exit 1;
if (open(my $fd3, '>&=', 3)) { close $fd3 }
chdir '/';
my $pid = fork;
exit 1 unless defined $pid;
if ($pid) { syswrite $rep, "$pid\n"; exit 0 }
$SIG{ALRM} = sub { kill(0, $shell) or $bye->(); alarm 2 };
alarm 2;

# A helper killed outright (its node torn down, a timeout's last resort) could not remove its
# FIFOs: this one removes those of ours whose shell is gone (ESRCH, not EPERM: another user's).
if ($in =~ m{^(.*)/} and opendir(my $dh, $1)) {
  my $dir = $1;
  for (readdir $dh) {
    next unless /^\.oasis-helper\.(\d+)\.[0-9a-f]+\.[io]$/ and $1 != $shell and !kill(0, $1) and $! + 0 == 3;
    my @s = lstat "$dir/$_";
    unlink "$dir/$_" if @s and -p _ and $s[4] == $<;
  }
}

sub put { my ($fh, $s) = @_; while (length $s) { my $n = syswrite $fh, $s; $bye->() unless $n; substr($s, 0, $n) = '' } }
my $errs;
sub err { my $m = shift; put($errs eq 'o' ? \*STDOUT : \*STDERR, "$m\n") unless $errs eq 'n'; 1 }
sub abs_paths { !grep { !m{^/} } @_ }
sub num { my $n = shift; $n =~ /^\d+$/ ? $n : sprintf('%.0f', $n) }

my %CESC = ("\a" => '\a', "\b" => '\b', "\t" => '\t', "\n" => '\n', "\x0b" => '\v', "\f" => '\f', "\r" => '\r');
sub cquote { my $s = shift; $s =~ s/([\\"])/\\$1/g; $s =~ s/([\a\b\t\n\x0b\f\r])/$CESC{$1}/g; $s =~ s/([^\x20-\x7e])/sprintf('\\%03o', ord $1)/ge; qq("$s") }
sub uname { my $n = getpwuid $_[0]; defined $n ? $n : 'UNKNOWN' }
sub gname { my $n = getgrgid $_[0]; defined $n ? $n : 'UNKNOWN' }

my %FIELD = (
  f => sub { sprintf '%x', $_[1][2] }, u => sub { $_[1][4] }, g => sub { $_[1][5] }, s => sub { num($_[1][7]) },
  Y => sub { num($_[1][9]) }, X => sub { num($_[1][8]) }, Z => sub { num($_[1][10]) }, h => sub { $_[1][3] },
  i => sub { num($_[1][1]) }, d => sub { num($_[1][0]) }, U => sub { uname($_[1][4]) }, G => sub { gname($_[1][5]) },
  n => sub { $_[0] },
  N => sub { my ($p, $st) = @_; my $q = cquote($p); ($st->[2] & 0170000) == 0120000 ? "$q -> " . cquote(readlink($p) // '') : $q },
);

sub op_stat {
  my ($qs, @a) = @_;
  my $follow = @a && $a[0] eq '-L' ? shift @a : '';
  return undef unless @a >= 4 && $a[0] eq '-c' && $a[2] eq '--';
  my ($fmt, @paths) = ($a[1], @a[3 .. $#a]);
  my @parts = grep { length } split /(%.)/s, $fmt;
  for (@parts) { return undef if /^%(.)/ && $1 ne '%' && !$FIELD{$1} }
  return undef if $fmt =~ /%N/ && ($follow || $qs ne 'c');
  return undef unless abs_paths(@paths);
  my $st = 0;
  for my $p (@paths) {
    my @s = $follow ? stat $p : lstat $p;
    unless (@s) { err("stat: cannot stat '$p': $!"); $st = 1; next }
    put(\*STDOUT, join('', map { /^%(.)/ ? ($1 eq '%' ? '%' : $FIELD{$1}->($p, \@s)) : $_ } @parts) . "\n");
  }
  $st;
}

sub op_mv {
  my ($qs, @a) = @_;
  return undef unless @a == 4 && $a[0] eq '-f' && $a[1] eq '--' && abs_paths(@a[2, 3]) && !-d $a[3];
  return 0 if rename $a[2], $a[3];
  return undef if $! + 0 == 18; # EXDEV: mv copies across file systems
  err("mv: cannot move '$a[2]' to '$a[3]': $!");
}

sub op_mkdir {
  my ($qs, @a) = @_;
  my $mode;
  if (@a && $a[0] eq '-m') { (undef, $mode) = splice @a, 0, 2; return undef unless defined $mode && $mode =~ /^[0-7]{5}$/; $mode = oct $mode }
  return undef unless @a >= 2 && $a[0] eq '--' && abs_paths(@a[1 .. $#a]);
  my $st = 0;
  for my $d (@a[1 .. $#a]) {
    unless (mkdir $d, defined $mode ? $mode & 0777 : 0777) { $st = err("mkdir: cannot create directory '$d': $!"); next }
    next unless defined $mode;
    # Five digits name every bit: the mode is exact, a setgid inherited from the parent included.
    my @s = lstat $d;
    $st = err("mkdir: cannot set permissions of '$d': $!") if (!@s || ($s[2] & 07777) != $mode) && !chmod $mode, $d;
  }
  $st;
}

sub op_ln {
  my ($qs, @a) = @_;
  return undef unless @a == 4 && $a[0] eq '-s' && $a[1] eq '--' && abs_paths($a[3]) && !-d $a[3];
  return 0 if symlink $a[2], $a[3];
  err("ln: failed to create symbolic link '$a[3]': $!");
}

sub files { my ($a, $module) = @_; shift @$a if @$a && $a->[0] eq '--'; @$a && abs_paths(@$a) && !grep({ /[\\\n]/ } @$a) && eval "require $module; 1" }
sub readable { my ($tool, $p) = @_; return err("$tool: $p: Is a directory") && undef if -d $p; open(my $fh, '<', $p) or return err("$tool: $p: $!") && undef; binmode $fh; $fh }

sub op_sha1sum {
  my ($qs, @a) = @_;
  return undef unless files(\@a, 'Digest::SHA');
  my $st = 0;
  for my $p (@a) { my $fh = readable('sha1sum', $p) or ($st = 1, next); put(\*STDOUT, Digest::SHA->new(1)->addfile($fh)->hexdigest . "  $p\n") }
  $st;
}

sub op_base64 {
  my ($qs, @a) = @_;
  return undef unless files(\@a, 'MIME::Base64') && @a == 1;
  my $fh = readable('base64', $a[0]) or return 1;
  # 57 bytes make one 76-character line, as base64 wraps them.
  while (read $fh, my $buf, 57 * 1024) { put(\*STDOUT, MIME::Base64::encode_base64($buf)) }
  0;
}

my %OPS = (stat => \&op_stat, mv => \&op_mv, mkdir => \&op_mkdir, ln => \&op_ln, sha1sum => \&op_sha1sum, base64 => \&op_base64);
local $/ = "\0";
while (1) {
  my @f;
  for (1 .. 3) { my $x = <$req>; chomp $x; push @f, $x }
  my ($to, $qs, $n) = @f;
  my @argv = map { my $x = <$req>; chomp $x; $x } 1 .. $n;
  $errs = $to;
  my $op = $OPS{shift(@argv) // ''};
  my $st = $op ? $op->($qs, @argv) : undef;
  put($rep, (defined $st ? $st : '-') . "\n");
}
`;
