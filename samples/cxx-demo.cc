// A C++ program: containers, strings, over-aligned objects and a failing
// allocation, all through operator new/delete.
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <vector>

struct alignas(64) CacheLine {
	std::uint64_t value[8];
};

int main()
{
	std::map<std::string, std::vector<int>> index;
	for (int i = 0; i < 20000; i++)
		index["key" + std::to_string(i % 997)].push_back(i);
	std::size_t total = 0;
	for (const auto &entry : index)
		total += entry.second.size();

	std::vector<std::unique_ptr<CacheLine>> lines;
	for (int i = 0; i < 1000; i++)
		lines.push_back(std::make_unique<CacheLine>());
	bool aligned = true;
	for (const auto &l : lines)
		aligned &= reinterpret_cast<std::uintptr_t>(l.get()) % 64 == 0;

	bool threw = false;
	try {
		std::vector<char> huge(SIZE_MAX / 4);
	} catch (const std::bad_alloc &) {
		threw = true;
	}
	std::cout << "keys=" << index.size() << " values=" << total << " aligned=" << aligned
		  << " bad_alloc=" << threw << "\n";
	return aligned && threw ? 0 : 1;
}
